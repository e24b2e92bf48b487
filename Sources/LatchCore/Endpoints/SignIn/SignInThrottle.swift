/// Failed sign-ins are limited per account and per source address
/// (`LATCH_SIGNIN_FAILURE_LIMIT` a minute, counted in PostgreSQL so every worker on every host
/// shares the count).
///
/// Each attempt is counted *before* the password is checked, so concurrent guesses cannot slip
/// past the limit while the hash is computed; a successful sign-in then takes its own count
/// back, so only failures remain counted. While either count is over the limit every attempt
/// is refused, the right password included.
struct SignInThrottle {
    let database: Database
    let limit: Int

    init(database: Database, limit: Int) {
        self.database = database
        self.limit = limit
    }

    /// The account's bucket holds a digest of the typed name, never the name itself (people
    /// type passwords into the username field).
    static func accountBucket(_ username: String) -> String {
        "signin-user:" + Hex.encode(Array(Digest.sha256(username).prefix(16)))
    }

    static func addressBucket(_ address: String) -> String { "signin-addr:" + address }

    /// Counts an attempt; the seconds to wait when the account or the address is over the limit.
    func attempt(username: String, address: String) throws -> Int? {
        let limiter = RateLimiter(database: database)
        let account = try limiter.hit(SignInThrottle.accountBucket(username), limit: limit)
        let source = try limiter.hit(SignInThrottle.addressBucket(address), limit: limit)
        switch (account, source) {
        case (nil, nil): return nil
        default: return max(account ?? 0, source ?? 0)
        }
    }

    /// Takes back the count of an attempt that succeeded.
    func succeeded(username: String, address: String) throws {
        try database.query("""
            UPDATE rate_limits SET hits = hits - 1
            WHERE bucket IN (\(SignInThrottle.accountBucket(username)), \(SignInThrottle.addressBucket(address)))
              AND window_start = date_trunc('minute', now()) AND hits > 0
            """)
    }
}
