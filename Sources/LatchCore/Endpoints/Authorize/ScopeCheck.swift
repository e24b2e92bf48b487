/// Authorize step 3d: the scopes granted (README "Scopes and resources"), by `ScopePolicy`: none requested
/// means the client's registered scopes, or with no list the resource's default scopes; an
/// unknown scope, one the client may not get (not open, for an unverified client), or one the
/// resource does not accept is `invalid_scope`. Returns each scope with its description for the
/// consent page.
enum ScopeCheck {
    static func scopes(in parameters: Parameters, client: Client, resource: Resource,
                       database: Database) throws -> [ScopeStore.Scope] {
        try ScopePolicy.resolve(requested: try parameters.single("scope"), client: client, resource: resource,
                                defined: try ScopeStore(database: database).all())
    }
}
