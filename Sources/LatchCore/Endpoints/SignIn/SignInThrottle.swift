/// Sign-in throttling (CONTRACT "Sign-in", NIST SP 800-63B §5.2.2), counted in PostgreSQL so
/// that every worker on every host shares it:
///
/// - **Per account**, consecutive failures across minutes (`signin_throttle`, migration 005):
///   the first 4 are free, then each failure makes the account wait 1 s, 2 s, 4 s … up to an
///   hour, and from the 100th on 24 hours (or until an admin runs `latchctl user unlock`). A
///   success resets the count.
/// - **The owner's address apart**: the address (IPv6: /64) of the account's last successful
///   sign-in keeps its own count and wait, so a burst against the account from elsewhere
///   never locks its owner out of where they last signed in.
/// - **Per source address** (IPv6: its /64): `LATCH_SIGNIN_FAILURE_LIMIT` failures a minute
///   (`rate_limits`), whatever accounts they try.
///
/// An attempt is counted as a failure *before* the password is checked (one statement claims
/// it, so concurrent guesses cannot slip past while the hash is computed); a success takes it
/// back. While a wait lasts the password is not checked at all: the right one is refused
/// exactly like a wrong one, same status, same page (no oracle).
///
/// Accounts are named in the table by HMAC-SHA256 of the typed name under a per-deployment
/// random key (`signin_key`): people type passwords into the username field.
struct SignInThrottle {
    let database: Database
    /// Failed sign-ins a minute per source address.
    let addressLimit: Int

    init(database: Database, addressLimit: Int) {
        self.database = database
        self.addressLimit = addressLimit
    }

    static func addressBucket(_ address: String) -> String { "signin-addr:" + SourceAddress.bucket(address) }

    /// Claims an attempt for `username` from `address`: nil when it may go on (it counts as a
    /// failure until `succeeded`), else the seconds to wait.
    func attempt(username: String, address: String) throws -> Int? {
        if let wait = try RateLimiter(database: database).hit(SignInThrottle.addressBucket(address), limit: addressLimit) {
            return wait
        }
        let key = try SignInKey.accountKey(username, database: database)
        let source = SourceAddress.bucket(address)
        let row = try database.query("""
            WITH claimed AS (
                INSERT INTO signin_throttle AS t (account_key, failures, wait_until)
                VALUES (\(key), 1, now() + make_interval(secs => latch_signin_delay(1)))
                ON CONFLICT (account_key) DO UPDATE SET
                    failures = CASE WHEN t.owner_address = \(source) THEN t.failures ELSE t.failures + 1 END,
                    wait_until = CASE WHEN t.owner_address = \(source) THEN t.wait_until
                                      ELSE now() + make_interval(secs => latch_signin_delay(t.failures + 1)) END,
                    owner_failures = CASE WHEN t.owner_address = \(source) THEN t.owner_failures + 1 ELSE t.owner_failures END,
                    owner_wait_until = CASE WHEN t.owner_address = \(source)
                                            THEN now() + make_interval(secs => latch_signin_delay(t.owner_failures + 1))
                                            ELSE t.owner_wait_until END,
                    updated_at = now()
                WHERE (CASE WHEN t.owner_address = \(source) THEN t.owner_wait_until ELSE t.wait_until END) <= now()
                RETURNING 1 AS ok
            )
            SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
                   (SELECT greatest(1, ceil(extract(epoch FROM greatest(now(),
                               CASE WHEN owner_address = \(source) THEN owner_wait_until ELSE wait_until END) - now())))::integer
                    FROM signin_throttle WHERE account_key = \(key)) AS wait
            """)[0]
        if try row.bool("claimed") { return nil }
        return row.optionalInt("wait") ?? 1
    }

    /// The attempt succeeded: its counts are taken back, and `address` becomes the owner's.
    func succeeded(username: String, address: String) throws {
        let key = try SignInKey.accountKey(username, database: database)
        let source = SourceAddress.bucket(address)
        try database.query("""
            WITH account AS (
                UPDATE signin_throttle SET
                    failures = CASE WHEN owner_address = \(source) THEN failures ELSE 0 END,
                    wait_until = CASE WHEN owner_address = \(source) THEN wait_until ELSE '-infinity' END,
                    owner_address = \(source), owner_failures = 0, owner_wait_until = '-infinity', updated_at = now()
                WHERE account_key = \(key)
                RETURNING 1
            )
            UPDATE rate_limits SET hits = hits - 1
            WHERE bucket = \(SignInThrottle.addressBucket(address)) AND window_start = date_trunc('minute', now()) AND hits > 0
            """)
    }
}

/// The per-deployment key of the account hash (`signin_key`, created by migration 005 from
/// PostgreSQL's CSPRNG), read once per worker process.
enum SignInKey {
    nonisolated(unsafe) private static var cached: [UInt8]?

    static func key(_ database: Database) throws -> [UInt8] {
        if let cached { return cached }
        let key = try database.query("SELECT key FROM signin_key").first.map { try $0.bytes("key") }
        guard let key, key.count == 32 else { throw DatabaseError.decoding("signin_key holds no key: run latchctl migrate") }
        cached = key
        return key
    }

    /// HMAC-SHA256 of the name as typed, under the deployment's key.
    static func accountKey(_ username: String, database: Database) throws -> [UInt8] {
        Digest.hmacSHA256(key: try key(database), message: Array(username.utf8))
    }
}

/// What an admin may do about a throttled account (`latchctl user unlock`).
public enum SignInLockout {
    /// Forgets the account's consecutive failures and waits (the name as it is typed at
    /// sign-in); false when it had none.
    @discardableResult
    public static func unlock(username: String, database: Database) throws -> Bool {
        let key = try SignInKey.accountKey(username, database: database)
        return try !database.query("""
            UPDATE signin_throttle SET failures = 0, wait_until = '-infinity', owner_failures = 0,
                                       owner_wait_until = '-infinity', updated_at = now()
            WHERE account_key = \(key) RETURNING 1 AS done
            """).isEmpty
    }
}
