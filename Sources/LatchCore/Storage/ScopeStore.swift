/// The deployment's scopes (`scopes` table).
public struct ScopeStore {
    public struct Scope: Equatable, Sendable {
        public let name: String
        public let description: String
    }

    let database: Database

    public init(database: Database) { self.database = database }

    public func all() throws -> [Scope] {
        try database.query("SELECT name, description FROM scopes ORDER BY name").map {
            Scope(name: try $0.string("name"), description: try $0.string("description"))
        }
    }

    public func names() throws -> [String] { try all().map(\.name) }

    /// Adds a scope or updates its description.
    public func upsert(name: String, description: String) throws {
        try database.query("""
            INSERT INTO scopes (name, description) VALUES (\(name), \(description))
            ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description
            """)
    }
}
