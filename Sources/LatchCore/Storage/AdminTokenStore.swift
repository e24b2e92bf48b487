/// A management-API bearer token as listings show it (never the token itself).
public struct AdminToken: Sendable, Equatable {
    public let id: String
    public let name: String
    public let createdAt: Int
    public let lastUsedAt: Int?
    public let revokedAt: Int?

    /// `lad_<id>_…`: enough to recognise the token, never enough to use it.
    public var truncated: String { Credential.Kind.adminToken.rawValue + id + "_…" }
}

/// The `admin_tokens` table (`latchctl admin-token create|list|revoke`).
public struct AdminTokenStore {
    let database: Database

    public init(database: Database) { self.database = database }

    static let columns: StaticString = """
        id, name, extract(epoch FROM created_at)::bigint AS created_epoch,
        extract(epoch FROM last_used_at)::bigint AS used_epoch, extract(epoch FROM revoked_at)::bigint AS revoked_epoch
        """

    /// Mints a token named `name`; the returned credential's `value` is shown once and never stored.
    public func create(name: String) throws -> (token: Credential, info: AdminToken) {
        let token = Credential.mint(.adminToken)
        let rows = try database.query("""
            INSERT INTO admin_tokens (id, name, secret_hash) VALUES (\(token.id), \(name), \(token.secretHash))
            RETURNING \(raw: AdminTokenStore.columns)
            """)
        return (token, try AdminTokenStore.adminToken(from: rows[0]))
    }

    public func list() throws -> [AdminToken] {
        try database.query("SELECT \(raw: AdminTokenStore.columns) FROM admin_tokens ORDER BY created_at, id")
            .map(AdminTokenStore.adminToken(from:))
    }

    /// Revokes the token with lookup id `id` (or its `lad_<id>…` form); false when there is none.
    @discardableResult
    public func revoke(_ id: String) throws -> Bool {
        var lookup = id
        if lookup.hasPrefix(Credential.Kind.adminToken.rawValue) { lookup = String(lookup.dropFirst(4).prefix(Credential.idLength)) }
        return try !database.query("""
            UPDATE admin_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(lookup) RETURNING id
            """).isEmpty
    }

    /// The live token `presented` stands for (hash compared in constant time), else nil.
    /// Records the use (`last_used_at`) at most once a minute.
    public func authenticate(_ presented: String) throws -> AdminToken? {
        guard let token = Credential.parse(presented, as: .adminToken),
              let row = try database.query("""
                SELECT secret_hash, \(raw: AdminTokenStore.columns),
                       (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds') AS stale
                FROM admin_tokens WHERE id = \(token.id) AND revoked_at IS NULL
                """).first,
              token.matches(storedHash: try row.bytes("secret_hash"))
        else { return nil }
        if try row.bool("stale") {
            try database.query("UPDATE admin_tokens SET last_used_at = now() WHERE id = \(token.id)")
        }
        return try AdminTokenStore.adminToken(from: row)
    }

    static func adminToken(from row: Row) throws -> AdminToken {
        AdminToken(id: try row.string("id"), name: try row.string("name"), createdAt: try row.int("created_epoch"),
                   lastUsedAt: row.optionalInt("used_epoch"), revokedAt: row.optionalInt("revoked_epoch"))
    }
}
