/// A signed-in person, as a browser request proves it with the session cookie (`SessionCookie`).
public struct SignedIn: Sendable {
    public let user: User
    public let sessionID: String
    /// The CSRF token every state-changing form of this session must carry (`csrf_token`).
    public let csrfToken: String
    /// When the person signed in (the session's start, epoch seconds): OpenID Connect's
    /// `auth_time`, and what `max_age` is measured against.
    public var signedInAt = 0

    /// Constant-time check of a submitted CSRF token.
    public func isValidCSRF(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return ConstantTime.equals(submitted, csrfToken)
    }
}

/// The `sessions` table (SECURITY.md "Threats: the FastCGI trust boundary and sign-in"): a session is a credential whose hash is stored,
/// of one user, until it expires. Which cookie carries it is the sign-in layer's business
/// (`SessionCookie`, Endpoints/SignIn).
public struct SessionStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Starts a session of `lifetime` seconds; returns its credential (its value goes only to
    /// the browser).
    public func create(userID: Int, sourceAddress: String, lifetime: Int) throws -> Credential {
        let session = Credential.mint(.session)
        try database.query("""
            INSERT INTO sessions (id, secret_hash, user_id, source_address, expires_at)
            VALUES (\(session.id), \(session.secretHash), \(userID), \(sourceAddress), now() + make_interval(secs => \(lifetime)))
            """)
        return session
    }

    /// The person `session` signs in: a live session of an enabled user whose stored hash the
    /// presented secret matches (compared in constant time), else nil.
    public func find(_ session: Credential) throws -> SignedIn? {
        guard let row = try database.query("""
                SELECT s.secret_hash, floor(extract(epoch FROM s.created_at))::bigint AS signed_in_epoch, \(raw: UserStore.qualifiedColumns)
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = \(session.id) AND s.expires_at > now() AND u.disabled_at IS NULL
                """).first,
              session.matches(storedHash: try row.bytes("secret_hash"))
        else { return nil }
        return SignedIn(user: try UserStore.user(from: row), sessionID: session.id, csrfToken: SessionStore.csrfToken(for: session),
                        signedInAt: try row.int("signed_in_epoch"))
    }

    /// Ends the session (sign-out).
    public func delete(sessionID: String) throws {
        try database.query("DELETE FROM sessions WHERE id = \(sessionID)")
    }

    /// The session's CSRF token: HMAC-SHA256 keyed with the session secret, so only the holder
    /// of the cookie can compute it and the database (which holds a hash) cannot.
    public static func csrfToken(for session: Credential) -> String {
        Base64.urlEncode(Digest.hmacSHA256(key: Array(session.secret.utf8), message: Array("latch-csrf".utf8)))
    }
}
