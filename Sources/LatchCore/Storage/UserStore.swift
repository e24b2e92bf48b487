public struct User: Sendable, Equatable {
    public let id: Int
    public let username: String
    public let isAdmin: Bool
    public let isDisabled: Bool
    public let createdAt: Int
}

/// The `users` table.
public struct UserStore {
    let database: Database

    public init(database: Database) { self.database = database }

    static let columns: StaticString = """
        id, username, is_admin, disabled_at IS NOT NULL AS disabled, extract(epoch FROM created_at)::bigint AS created_epoch
        """

    /// The same columns for a query that joins `users u`.
    static let qualifiedColumns: StaticString = """
        u.id, u.username, u.is_admin, u.disabled_at IS NOT NULL AS disabled, extract(epoch FROM u.created_at)::bigint AS created_epoch
        """

    /// Usernames are 1–200 characters with no control characters and no surrounding spaces.
    public static func isValidUsername(_ name: String) -> Bool {
        guard (1...200).contains(name.count), name.trimmingSpaces() == name else { return false }
        return !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    /// A new account. One without a password that is not an admin (made on a first
    /// `REMOTE_USER` sign-in, by an executable) names only `username`: the executables' role may
    /// insert nothing else into `users` (sql/094_least_privilege.sql).
    public func create(username: String, password: String?, isAdmin: Bool) throws -> User {
        let rows: [Row]
        if password == nil && !isAdmin {
            rows = try database.query("""
                INSERT INTO users (username) VALUES (\(username)) RETURNING \(raw: UserStore.columns)
                """)
        } else {
            let hash = password.map { PasswordHasher.hash($0) }
            rows = try database.query("""
                INSERT INTO users (username, password_hash, is_admin) VALUES (\(username), \(hash), \(isAdmin))
                RETURNING \(raw: UserStore.columns)
                """)
        }
        return try UserStore.user(from: rows[0])
    }

    /// Sets the person's email (README "OpenID Connect": the `email` scope's claims); only
    /// latchctl (the owner role) may.
    public func setEmail(userID: Int, email: String, verified: Bool) throws {
        try database.query("UPDATE users SET email = \(email), email_verified = \(verified) WHERE id = \(userID)")
    }

    /// An email address as latch keeps it: 3–320 characters, one `@` with text on both sides,
    /// no spaces or control characters (the mailbox itself is the admin's word).
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return (3...320).contains(text.utf8.count) && parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f }
    }

    public func find(id: Int) throws -> User? {
        try database.query("SELECT \(raw: UserStore.columns) FROM users WHERE id = \(id)").first.map(UserStore.user(from:))
    }

    public func find(username: String) throws -> User? {
        guard username.utf8.count <= 800 else { return nil }
        return try database.query("SELECT \(raw: UserStore.columns) FROM users WHERE username = \(username)").first.map(UserStore.user(from:))
    }

    public func list() throws -> [User] {
        try database.query("SELECT \(raw: UserStore.columns) FROM users ORDER BY id").map(UserStore.user(from:))
    }

    /// The enabled user whose password matches, else nil. Takes the same time whether or
    /// not the account exists (a decoy hash is checked for unknown names).
    public func authenticate(username: String, password: String) throws -> User? {
        guard username.utf8.count <= 800, password.utf8.count <= 4096 else { return nil }
        let row = try database.query("""
            SELECT \(raw: UserStore.columns), password_hash FROM users WHERE username = \(username)
            """).first
        let stored = row?.optionalString("password_hash") ?? PasswordHasher.decoy
        let matches = PasswordHasher.verify(password, against: stored)
        guard let row, matches, row.optionalString("password_hash") != nil else { return nil }
        let user = try UserStore.user(from: row)
        return user.isDisabled ? nil : user
    }

    public func setPassword(userID: Int, password: String) throws {
        try database.query("UPDATE users SET password_hash = \(PasswordHasher.hash(password)) WHERE id = \(userID)")
    }

    /// What disabling an account ended.
    public struct Disabled: Sendable, Equatable {
        public let userID: Int
        public let sessionCount: Int
        public let grantCount: Int
    }

    /// Disables the account; its sessions end and its grants are revoked (`GrantStore.revoking`,
    /// reason `user_disabled`). Run it in a transaction (`UserAdministration.disable`). nil when
    /// there is no such account.
    func disable(username: String) throws -> Disabled? {
        guard let row = try database.query("""
            UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE username = \(username) RETURNING id
            """).first else { return nil }
        let id = try row.int("id")
        let sessions = try database.query("DELETE FROM sessions WHERE user_id = \(id) RETURNING id").count
        let grants = try database.query("""
            WITH \(fragment: GrantStore.revoking(where: "g.user_id = \(id)", reason: "user_disabled")) SELECT id FROM revoked
            """).count
        return Disabled(userID: id, sessionCount: sessions, grantCount: grants)
    }

    static func user(from row: Row) throws -> User {
        User(id: try row.int("id"), username: try row.string("username"), isAdmin: try row.bool("is_admin"),
             isDisabled: try row.bool("disabled"), createdAt: try row.int("created_epoch"))
    }
}
