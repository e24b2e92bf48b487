/// What an admin does to resources, whichever door they come through (management API,
/// `latchctl`): one set of rules (`ResourceInput`), storage and audit rows; each act and its
/// audit row commit together. Errors are `OAuthError`s: unknown
/// ids `404 not_found`, an identifier already registered or latch's own API deleted `400`.
public struct ResourceAdministration {
    let database: Database
    let store: ResourceStore
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    init(database: Database, own: String, actor: AdminActor) {
        self.database = database
        self.store = ResourceStore(database: database, own: own)
        self.actor = actor
    }

    public func definedScopes() throws -> [String] { try ScopeStore(database: database).names() }

    public func list() throws -> [Resource] {
        let all = try store.list()
        guard all.contains(where: \.isBuiltIn) else { return all }
        let installed = try store.installedAt()
        return all.map { $0.isBuiltIn ? ResourceAdministration.dated($0, installed) : $0 }
    }

    /// The resource with this id (or identifier URI), else 404.
    public func resource(_ key: String) throws -> Resource {
        guard let resource = try store.find(idOrIdentifier: key) else { throw OAuthError.notFound("no resource with this id") }
        return resource.isBuiltIn ? ResourceAdministration.dated(resource, try store.installedAt()) : resource
    }

    /// latch's own API without a row, with `created_at` the time latch was installed (the
    /// management API's shape has a time there, never null).
    static func dated(_ builtIn: Resource, _ installed: Int?) -> Resource {
        var resource = builtIn
        resource.createdAt = installed
        return resource
    }

    public func create(_ input: ResourceInput) throws -> Resource {
        try database.withTransaction {
            guard let created = try store.insert(input.resource(id: ResourceStore.newID())) else {
                throw OAuthError.invalidRequest("a resource with this identifier is already registered")
            }
            try record(.adminResourceAdded, created)
            return created
        }
    }

    public func update(_ resource: Resource, with input: ResourceInput) throws -> Resource {
        // The built-in latch API (no row yet) may be narrowed, not renamed into another resource.
        if resource.isBuiltIn && !input.identifier.utf8.elementsEqual(resource.identifier.utf8) {
            throw OAuthError.invalidRequest("latch's own API keeps its identifier (LATCH_RESOURCE)")
        }
        return try database.withTransaction {
            guard let updated = try store.update(input.resource(id: resource.id)) else {
                throw OAuthError.invalidRequest("a resource with this identifier is already registered")
            }
            try record(.adminResourceUpdated, updated)
            return updated
        }
    }

    /// Deletes a registered resource. latch's own API stays registered: deleting its row only
    /// undoes an admin's narrowing; without a row there is nothing to delete (`400`).
    public func delete(_ resource: Resource) throws {
        try database.withTransaction {
            guard try store.delete(id: resource.id) else {
                throw OAuthError.invalidRequest("latch's own API is always registered; it cannot be deleted")
            }
            try record(.adminResourceDeleted, resource)
        }
    }

    private func record(_ event: AuditEvent, _ resource: Resource) throws {
        try actor.record(event, in: database, detail: [
            "resource_id": .string(resource.id), "resource": .string(resource.identifier),
            "scopes": .array((resource.scopes ?? []).map { .string($0) }), "via": .string(actor.via),
        ])
    }
}
