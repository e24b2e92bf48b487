/// Authorize step 3c: `resource` (RFC 8707 §2, README "Scopes and resources"). A registered resource
/// identifier (compared in normal form, `ResourceIdentifier`); without one, the default resource
/// (`LATCH_DEFAULT_RESOURCE`). A relative URI, one with a fragment, or one not registered is
/// `invalid_target`. The resolved resource is stored with the code and becomes the audience of
/// every token of the grant.
enum ResourceCheck {
    static func resource(in parameters: Parameters, database: Database, configuration: Configuration) throws -> Resource {
        let requested = try parameters.single("resource")
        if requested == nil && parameters.contains("resource") {
            throw OAuthError(.invalidTarget, "resource must be an absolute URI without a fragment")
        }
        return try ScopePolicy.resource(named: requested, store: ResourceStore(database: database, own: configuration.ownResource),
                                        configuration: configuration)
    }
}
