/// A resource as an admin describes it, checked by one set of rules whichever door it comes
/// through (management API JSON, `latchctl resource add`): CONTRACT "Resources".
/// - `resource`: an absolute URI without a fragment, stored in normal form (`ResourceIdentifier`);
/// - `name`: 1–200 Unicode scalars (as the table's CHECK counts them), no control characters;
/// - `scopes`: defined scopes it accepts; `default_scopes`: a subset of them;
/// - `token_format`: `opaque` (default) or `jwt`; `dpop_required`: a boolean (default false).
/// Anything else wrong: `400 invalid_request` naming it.
public struct ResourceInput: Sendable, Equatable {
    public var identifier: String
    public var name: String
    public var scopes: [String]
    public var defaultScopes: [String]
    public var tokenFormat: Resource.TokenFormat
    public var dpopRequired: Bool

    public static func make(identifier: String, name: String, scopes: [String], defaultScopes: [String],
                            tokenFormat: String, dpopRequired: Bool, defined: [String]) throws(OAuthError) -> ResourceInput {
        guard let normal = ResourceIdentifier.normalized(identifier) else {
            throw OAuthError.invalidRequest("resource must be an absolute URI without a fragment (at most \(ResourceIdentifier.maxLength) bytes)")
        }
        guard (1...200).contains(name.unicodeScalars.count),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw OAuthError.invalidRequest("name must be 1 to 200 Unicode scalars without control characters")
        }
        for scope in scopes where !defined.contains(scope) {
            throw OAuthError.invalidRequest("scope '\(scope)' is not defined on this server (latchctl scope add)")
        }
        for scope in defaultScopes where !scopes.contains(scope) && !ScopeStore.alwaysDefined.contains(scope) {
            throw OAuthError.invalidRequest("default scope '\(scope)' is not one of the resource's scopes")
        }
        guard let format = Resource.TokenFormat(rawValue: tokenFormat) else {
            throw OAuthError.invalidRequest("token_format must be opaque or jwt")
        }
        return ResourceInput(identifier: normal, name: name, scopes: scopes, defaultScopes: defaultScopes, tokenFormat: format,
                             dpopRequired: dpopRequired)
    }

    /// The management API body (`POST`, or `PUT` over `existing`: members left out keep their value).
    public static func parse(_ members: [(String, JSON)], defined: [String], existing: Resource?) throws(OAuthError) -> ResourceInput {
        let body = JSONMembers(members, code: .invalidRequest)
        guard let identifier = try body.string("resource") ?? existing?.identifier else { throw body.failure("resource is required") }
        guard let name = try body.string("name", maxLength: 1000) ?? existing?.name else { throw body.failure("name is required") }
        guard let scopes = try body.strings("scopes", maxCount: 200, maxLength: 100) ?? existing.map({ $0.scopes ?? defined }) else {
            throw body.failure("scopes is required (an array of scope names)")
        }
        let defaults = try body.strings("default_scopes", maxCount: 200, maxLength: 100) ?? existing?.defaultScopes ?? []
        let format = try body.string("token_format", maxLength: 20) ?? existing?.tokenFormat.rawValue ?? "opaque"
        let dpop: Bool
        switch body.value("dpop_required") {
        case nil: dpop = existing?.dpopRequired ?? false
        case .bool(let value)?: dpop = value
        default: throw body.failure("dpop_required must be true or false")
        }
        return try make(identifier: identifier, name: name, scopes: scopes, defaultScopes: defaults, tokenFormat: format,
                        dpopRequired: dpop, defined: defined)
    }

    public func resource(id: String) -> Resource {
        Resource(id: id, identifier: identifier, name: name, scopes: scopes, defaultScopes: defaultScopes,
                 tokenFormat: tokenFormat, dpopRequired: dpopRequired)
    }
}

/// The JSON shape of a resource in the management API and `latchctl resource … --json`
/// (CONTRACT "Management API"): `{id, resource, name, scopes, default_scopes, token_format,
/// dpop_required, created_at}`, scope lists as arrays. latch's own API without a row lists every
/// defined scope and `created_at` the time latch was installed.
public enum ResourceJSON {
    public static func make(_ resource: Resource, defined: [String]) -> JSON {
        .object([
            ("id", .string(resource.id)),
            ("resource", .string(resource.identifier)),
            ("name", .string(resource.name)),
            ("scopes", .array((resource.scopes ?? defined).map { .string($0) })),
            ("default_scopes", .array(resource.defaultScopes.map { .string($0) })),
            ("token_format", .string(resource.tokenFormat.rawValue)),
            ("dpop_required", .bool(resource.dpopRequired)),
            ("created_at", resource.createdAt.map { .string(EpochTime.iso8601($0)) } ?? .null),
        ])
    }
}

/// What an admin does to resources, whichever door they come through (management API,
/// `latchctl`): one set of rules, storage and audit points. Errors are `OAuthError`s: unknown
/// ids `404 not_found`, an identifier already registered or latch's own API deleted `400`.
public struct ResourceAdministration {
    let database: Database
    let store: ResourceStore
    /// Who acts (for the audit trail).
    let audit: AuditSource
    let via: String

    public init(database: Database, own: String, audit: AuditSource, via: String) {
        self.database = database
        self.store = ResourceStore(database: database, own: own)
        self.audit = audit
        self.via = via
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
        guard let created = try store.insert(input.resource(id: ResourceStore.newID())) else {
            throw OAuthError.invalidRequest("a resource with this identifier is already registered")
        }
        try record(.adminResourceAdded, created)
        return created
    }

    public func update(_ resource: Resource, with input: ResourceInput) throws -> Resource {
        // The built-in latch API (no row yet) may be narrowed, not renamed into another resource.
        if resource.isBuiltIn && !input.identifier.utf8.elementsEqual(resource.identifier.utf8) {
            throw OAuthError.invalidRequest("latch's own API keeps its identifier (LATCH_RESOURCE)")
        }
        guard let updated = try store.update(input.resource(id: resource.id)) else {
            throw OAuthError.invalidRequest("a resource with this identifier is already registered")
        }
        try record(.adminResourceUpdated, updated)
        return updated
    }

    /// Deletes a registered resource. latch's own API stays registered: deleting its row only
    /// undoes an admin's narrowing; without a row there is nothing to delete (`400`).
    public func delete(_ resource: Resource) throws {
        guard try store.delete(id: resource.id) else {
            throw OAuthError.invalidRequest("latch's own API is always registered; it cannot be deleted")
        }
        try record(.adminResourceDeleted, resource)
    }

    private func record(_ event: AuditEvent, _ resource: Resource) throws {
        try AuditLog(database: database).record(event, by: audit, detail: [
            "resource_id": .string(resource.id), "resource": .string(resource.identifier),
            "scopes": .array((resource.scopes ?? []).map { .string($0) }), "via": .string(via),
        ])
    }
}
