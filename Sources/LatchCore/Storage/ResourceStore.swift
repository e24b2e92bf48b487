/// A protected resource tokens are issued for (README "Scopes and resources"; RFC 8707, RFC 9728).
public struct Resource: Sendable, Equatable {
    public enum TokenFormat: String, Sendable { case opaque, jwt }

    public var id: String
    /// The identifier URI in its normal form (`ResourceIdentifier.normalized`): a token's audience.
    public var identifier: String
    public var name: String
    /// The scopes it accepts; nil for latch's own API while no admin narrowed it (every defined scope).
    public var scopes: [String]?
    /// What a request that names no scope gets when its client registered no scope list.
    public var defaultScopes: [String]
    public var tokenFormat: TokenFormat
    public var dpopRequired: Bool
    /// Seconds since the epoch. latch's own API without a row was never registered by anyone: it
    /// exists since latch was installed (`ResourceAdministration` shows that time); nil only
    /// where nothing looked it up.
    public var createdAt: Int?
    /// latch's own API while no row names it (built in; it keeps its identifier).
    public var isBuiltIn: Bool

    public init(id: String, identifier: String, name: String, scopes: [String]?, defaultScopes: [String] = [],
                tokenFormat: TokenFormat = .opaque, dpopRequired: Bool = false, createdAt: Int? = nil,
                isBuiltIn: Bool = false) {
        self.id = id
        self.identifier = identifier
        self.name = name
        self.scopes = scopes
        self.defaultScopes = defaultScopes
        self.tokenFormat = tokenFormat
        self.dpopRequired = dpopRequired
        self.createdAt = createdAt
        self.isBuiltIn = isBuiltIn
    }

    /// Whether a request for this resource may ask `scope` (`openid` and `offline_access`
    /// are about the person and the grant, not the resource: always).
    public func accepts(_ scope: String) -> Bool {
        ScopeStore.alwaysDefined.contains(scope) || scopes.map { $0.contains(scope) } ?? true
    }
}

/// The `resources` table, with latch's own API (`LATCH_RESOURCE`) always registered: while no
/// row names it, it is the built-in `Resource` `own(_:)` (every defined scope); a row with its
/// identifier narrows it.
public struct ResourceStore {
    /// The id latch's own API has while no row names it.
    public static let ownID = "res_latch"

    let database: Database
    /// latch's own API, normalised (`Configuration.ownResource`).
    let own: String

    public init(database: Database, own: String) {
        self.database = database
        self.own = own
    }

    /// A new resource id (not a secret): `res_` + 16 hex characters.
    public static func newID() -> String { "res_" + SecureRandom.hex(8) }

    /// latch's own API as it is while no row names it.
    public static func own(_ identifier: String) -> Resource {
        Resource(id: ownID, identifier: identifier, name: "latch", scopes: nil, isBuiltIn: true)
    }

    static let columns: StaticString = """
        id, identifier, name, scopes, default_scopes, token_format, dpop_required,
        extract(epoch FROM created_at)::bigint AS created_epoch
        """

    /// The registered resource with this identifier (any form: it is normalised), else nil.
    public func find(identifier: String) throws -> Resource? {
        guard let normal = ResourceIdentifier.normalized(identifier) else { return nil }
        if let row = try database.query("SELECT \(raw: ResourceStore.columns) FROM resources WHERE identifier = \(normal)").first {
            return try ResourceStore.resource(from: row)
        }
        return normal.utf8.elementsEqual(own.utf8) ? ResourceStore.own(own) : nil
    }

    /// The resource with this id, or with this identifier URI.
    public func find(idOrIdentifier key: String) throws -> Resource? {
        if let row = try database.query("SELECT \(raw: ResourceStore.columns) FROM resources WHERE id = \(key)").first {
            return try ResourceStore.resource(from: row)
        }
        if key == ResourceStore.ownID { return try find(identifier: own) }
        return try find(identifier: key)
    }

    /// When latch was installed (its always-defined scopes were made): the `created_at` of its
    /// own API while no row names it. nil when that cannot be told.
    public func installedAt() throws -> Int? {
        try database.query("""
            SELECT extract(epoch FROM min(created_at))::bigint AS installed FROM scopes WHERE name IN ('openid', 'offline_access')
            """).first?.optionalInt("installed")
    }

    /// Every registered resource, latch's own first when no row names it.
    public func list() throws -> [Resource] {
        let rows = try database.query("SELECT \(raw: ResourceStore.columns) FROM resources ORDER BY created_at, id")
            .map(ResourceStore.resource(from:))
        let ownHasRow = rows.contains { $0.identifier.utf8.elementsEqual(own.utf8) }
        return (ownHasRow ? [] : [ResourceStore.own(own)]) + rows
    }

    /// Stores a new resource (identifier already normalised); nil when one with the same
    /// identifier exists.
    public func insert(_ resource: Resource) throws -> Resource? {
        try database.query("""
            INSERT INTO resources (id, identifier, name, scopes, default_scopes, token_format, dpop_required)
            VALUES (\(resource.id), \(resource.identifier), \(resource.name), \(TextArray(resource.scopes ?? []))::text[],
                    \(TextArray(resource.defaultScopes))::text[], \(resource.tokenFormat.rawValue), \(resource.dpopRequired))
            ON CONFLICT (identifier) DO NOTHING
            RETURNING \(raw: ResourceStore.columns)
            """).first.map(ResourceStore.resource(from:))
    }

    /// Replaces every field but id and created_at; for latch's own API without a row, makes its
    /// row (with the built-in id). nil when no such resource, or the new identifier is taken.
    public func update(_ resource: Resource) throws -> Resource? {
        if let row = try database.query("""
            UPDATE resources SET identifier = \(resource.identifier), name = \(resource.name),
                scopes = \(TextArray(resource.scopes ?? []))::text[], default_scopes = \(TextArray(resource.defaultScopes))::text[],
                token_format = \(resource.tokenFormat.rawValue), dpop_required = \(resource.dpopRequired)
            WHERE id = \(resource.id)
              AND NOT EXISTS (SELECT 1 FROM resources o WHERE o.identifier = \(resource.identifier) AND o.id <> \(resource.id))
            RETURNING \(raw: ResourceStore.columns)
            """).first {
            return try ResourceStore.resource(from: row)
        }
        guard resource.id == ResourceStore.ownID else { return nil }
        return try insert(resource)
    }

    /// Deletes a registered resource. Tokens already issued for it keep their audience (and
    /// stop being useful once no location names it).
    @discardableResult
    public func delete(id: String) throws -> Bool {
        try !database.query("DELETE FROM resources WHERE id = \(id) RETURNING id").isEmpty
    }

    static func resource(from row: Row) throws -> Resource {
        Resource(id: try row.string("id"), identifier: try row.string("identifier"), name: try row.string("name"),
                 scopes: try row.stringArray("scopes"), defaultScopes: try row.stringArray("default_scopes"),
                 tokenFormat: Resource.TokenFormat(rawValue: try row.string("token_format")) ?? .opaque,
                 dpopRequired: try row.bool("dpop_required"), createdAt: row.optionalInt("created_epoch"))
    }

    /// The CTE `target (identifier, scopes, default_scopes)`: one row when `identifier` (normalised)
    /// is a registered resource, `scopes` NULL for latch's own API while no row narrows it.
    /// For the statements that issue tokens: the resource is checked in the same round trip,
    /// with one look into `resources` (latch's own API without a row is the built-in one).
    static func targetCTE(identifier: String, own: String) -> SQL {
        """
        target AS (
            SELECT coalesce(r.identifier, a.asked) AS identifier,
                   CASE WHEN r.identifier IS NULL THEN NULL ELSE r.scopes END AS scopes,
                   coalesce(r.default_scopes, '{}'::text[]) AS default_scopes
            FROM (SELECT \(identifier)::text AS asked) AS a
            LEFT JOIN resources r ON r.identifier = a.asked
            WHERE r.identifier IS NOT NULL OR a.asked = \(own)::text
        )
        """
    }
}
