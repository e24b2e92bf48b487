/// The deployment's scopes (`scopes` table).
public struct ScopeStore {
    public struct Scope: Equatable, Sendable {
        public let name: String
        public let description: String
        /// Whether unverified clients may be granted it (`latchctl scope add NAME --open`).
        public let open: Bool

        public init(name: String, description: String, open: Bool = false) {
            self.name = name
            self.description = description
            self.open = open
        }
    }

    /// Scopes every deployment defines, open to every client (README "Scopes and resources").
    public static let alwaysDefined = ["openid", "offline_access"]

    let database: Database

    public init(database: Database) { self.database = database }

    public func all() throws -> [Scope] {
        try database.query("SELECT name, description, open FROM scopes ORDER BY name").map {
            Scope(name: try $0.string("name"), description: try $0.string("description"), open: try $0.bool("open"))
        }
    }

    public func names() throws -> [String] { try all().map(\.name) }

    public static let maxNameLength = 100
    public static let maxDescriptionLength = 1000

    /// What is wrong with defining this scope, or nil: the name must be one RFC 6749 §3.3
    /// scope token (visible ASCII except space, `"` and `\`) of at most 100 characters; the
    /// description, shown on consent pages, at most 1000 characters. (`latchctl scope add`
    /// and the admin console both check this.)
    public static func problem(name: String, description: String?) -> String? {
        guard ScopeSet.isValidToken(Substring(name)), name.count <= maxNameLength else {
            return "'\(name)' is not a valid scope token (RFC 6749 section 3.3: 1 to \(maxNameLength) visible ASCII characters except space, \" and \\)"
        }
        guard (description ?? "").count <= maxDescriptionLength else {
            return "the description is longer than \(maxDescriptionLength) characters"
        }
        return nil
    }

    /// Adds a scope or updates its description and whether it is open (`openid` and
    /// `offline_access` stay open whatever `open` says: README "Scopes and resources"). Without a
    /// description a new scope is described by its name and an existing one keeps its own
    /// (README "Clients and admins": `latchctl scope add NAME [--open]`).
    public func upsert(name: String, description: String?, open: Bool = false) throws {
        let open = open || ScopeStore.alwaysDefined.contains(name)
        guard let description else {
            try database.query("""
                INSERT INTO scopes (name, description, open) VALUES (\(name), \(name), \(open))
                ON CONFLICT (name) DO UPDATE SET open = EXCLUDED.open
                """)
            return
        }
        try database.query("""
            INSERT INTO scopes (name, description, open) VALUES (\(name), \(description), \(open))
            ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, open = EXCLUDED.open
            """)
    }
}
