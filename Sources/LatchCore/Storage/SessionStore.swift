/// A signed-in person, as a browser request proves it with the session cookie
/// (`__Host-latch_session` under an https issuer, `latch_session` on a plain-http loopback one).
public struct SignedIn: Sendable {
    public let user: User
    public let sessionID: String
    /// The CSRF token every state-changing form of this session must carry (`csrf_token`).
    public let csrfToken: String

    /// Constant-time check of a submitted CSRF token.
    public func isValidCSRF(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return ConstantTime.equals(submitted, csrfToken)
    }
}

/// The `sessions` table and the session cookie (CONTRACT "Sign-in"): `__Host-latch_session`
/// (`Secure`, `Path=/`, no `Domain`: no sibling subdomain can set or overwrite it) when the
/// issuer is https, `latch_session` on a plain-http loopback issuer. A request carrying the
/// cookie twice is signed out: which one a browser sends first is not something to trust.
public struct SessionStore {
    /// The cookie's name under a plain-http (loopback) issuer.
    public static let plainCookieName = "latch_session"
    /// The cookie's name under an https issuer.
    public static let secureCookieName = "__Host-latch_session"
    let database: Database

    public static func cookieName(_ configuration: Configuration) -> String {
        configuration.isSecure ? secureCookieName : plainCookieName
    }

    /// The one session cookie value of the request; nil when there is none or more than one.
    public static func cookieValue(_ request: Request, _ configuration: Configuration) -> String? {
        let values = Cookies.values(named: cookieName(configuration), in: request.header("cookie") ?? "")
        return values.count == 1 ? values[0] : nil
    }

    /// Whether the request carries a session cookie at all (even one that does not count).
    public static func hasCookie(_ request: Request, _ configuration: Configuration) -> Bool {
        !Cookies.values(named: cookieName(configuration), in: request.header("cookie") ?? "").isEmpty
    }

    public init(database: Database) { self.database = database }

    /// Starts a session; returns the cookie credential (its value goes only to the browser).
    public func create(userID: Int, sourceAddress: String, lifetime: Int) throws -> Credential {
        let session = Credential.mint(.session)
        try database.query("""
            INSERT INTO sessions (id, secret_hash, user_id, source_address, expires_at)
            VALUES (\(session.id), \(session.secretHash), \(userID), \(sourceAddress), now() + make_interval(secs => \(lifetime)))
            """)
        return session
    }

    /// The person signed in by the request's cookie: a live session of an enabled user. Pages
    /// ask `BrowserSession.current`, which also applies a trusted `REMOTE_USER`.
    public func current(_ request: Request, _ configuration: Configuration) throws -> SignedIn? {
        guard let value = SessionStore.cookieValue(request, configuration),
              let session = Credential.parse(value, as: .session),
              let row = try database.query("""
                SELECT s.secret_hash, \(raw: UserStore.qualifiedColumns)
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = \(session.id) AND s.expires_at > now() AND u.disabled_at IS NULL
                """).first,
              session.matches(storedHash: try row.bytes("secret_hash"))
        else { return nil }
        return SignedIn(user: try UserStore.user(from: row), sessionID: session.id, csrfToken: SessionStore.csrfToken(for: session))
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

    /// `Set-Cookie` for a new session, and for clearing it.
    public static func cookie(_ session: Credential, configuration: Configuration) -> String {
        Cookies.setCookie(name: cookieName(configuration), value: session.value, maxAge: configuration.sessionLifetime,
                          secure: configuration.isSecure)
    }

    public static func clearingCookie(configuration: Configuration) -> String {
        Cookies.setCookie(name: cookieName(configuration), value: "", maxAge: 0, secure: configuration.isSecure)
    }
}
