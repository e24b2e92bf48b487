/// What an admin does to the deployment's scopes, whichever door they come through (`latchctl
/// scope add`, the console's scopes page): one rule (`ScopeStore.problem`), one store, one audit
/// row (`admin.scope_added`) committed with the act.
public struct ScopeAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    public func list() throws -> [ScopeStore.Scope] { try ScopeStore(database: database).all() }

    /// Defines a scope, or changes its description and whether it is open (`openid` and
    /// `offline_access` are always open). Without a description a new scope is described by its
    /// name and an existing one keeps its own. A name or description `ScopeStore.problem`
    /// refuses is `invalid_request`. Returns the scope as stored.
    @discardableResult
    public func define(name: String, description: String?, open: Bool) throws -> ScopeStore.Scope {
        if let problem = ScopeStore.problem(name: name, description: description) { throw OAuthError.invalidRequest(problem) }
        let open = open || ScopeStore.alwaysDefined.contains(name)
        let scopes = ScopeStore(database: database)
        return try database.withTransaction {
            try scopes.upsert(name: name, description: description, open: open)
            let stored = try scopes.all().first { $0.name == name } ?? ScopeStore.Scope(name: name, description: description ?? name, open: open)
            try actor.record(.adminScopeAdded, in: database, detail: .object([
                ("scope", .string(name)), ("description", .string(stored.description)), ("open", .bool(open)),
            ] + actor.viaUnlessCommandLine))
            return stored
        }
    }
}
