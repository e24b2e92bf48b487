/// Authorize step 3d: the scopes granted (CONTRACT "Scopes and resources"): none requested
/// means the client's registered scopes; an unknown scope or one outside the client's set is
/// `invalid_scope`. Returns each scope with its description for the consent page.
enum ScopeCheck {
    static func scopes(in parameters: Parameters, client: Client, database: Database) throws -> [ScopeStore.Scope] {
        let defined = try ScopeStore(database: database).all()
        let names = try ScopeSet.resolve(requested: try parameters.single("scope"), clientScopes: client.scope,
                                         defined: defined.map(\.name))
        return names.compactMap { name in defined.first { $0.name == name } }
    }
}
