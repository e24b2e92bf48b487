/// The door-independent operations an admin performs, one file per subject in this folder:
/// apps and their secrets (`AppAdministration`), scopes, users, admin tokens, resources and the
/// purge. The management API (`Endpoints/Management`, `Endpoints/Resources`), the admin console
/// (`Endpoints/AdminConsole`) and `latchctl` each read their own wire shape, then call these with
/// the actor they authenticated: the rules (`AppInput`, `ResourceInput`, `ScopeStore.problem`, …)
/// are checked here, and the audit rows are written here only, each with its act in one
/// transaction. Errors are `OAuthError`s (`404 not_found` for an unknown id, `400` for refused
/// input) that each door renders its own way.
///
///     let apps = Administration(database: database, actor: .latchctl).apps
///     let client = try apps.create(name: "CI", redirectURIs: ["https://ci.example/cb"], icon: nil, scope: nil,
///                                  isPublic: false, clientCredentials: false)
public struct Administration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    public init(database: Database, actor: AdminActor) {
        self.database = database
        self.actor = actor
    }

    public var apps: AppAdministration { AppAdministration(database: database, actor: actor) }
    public var scopes: ScopeAdministration { ScopeAdministration(database: database, actor: actor) }
    public var users: UserAdministration { UserAdministration(database: database, actor: actor) }
    public var adminTokens: AdminTokenAdministration { AdminTokenAdministration(database: database, actor: actor) }
    public var purge: PurgeAdministration { PurgeAdministration(database: database, actor: actor) }

    /// The resources, with latch's own API `own` (normalised, `Configuration.ownResource`)
    /// always registered.
    public func resources(own: String) -> ResourceAdministration {
        ResourceAdministration(database: database, own: own, actor: actor)
    }
}
