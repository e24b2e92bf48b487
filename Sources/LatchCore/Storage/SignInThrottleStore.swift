/// The sign-in throttle's counts (`signin_throttle`, migration 005): per account (named by
/// `SignInKey.accountKey`), consecutive failures and the wait they impose, with the owner's
/// address (`owner_address`) counted apart. The rules are `SignInThrottle`'s (Endpoints/SignIn);
/// these are its statements, each one round trip.
struct SignInThrottleStore {
    let database: Database

    /// Claims an attempt on the account from `source` (an address bucket, `SourceAddress.bucket`):
    /// nil when it may go on (counted as a failure until `release`), else the seconds to wait.
    /// One statement, so concurrent guesses cannot slip past while a hash is computed.
    func claim(accountKey key: [UInt8], source: String) throws -> Int? {
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

    /// The attempt succeeded: the account's count is taken back, `source` becomes the owner's
    /// address, and the failure counted against the address's per-minute bucket
    /// (`addressBucket` in `rate_limits`) is taken back too.
    func release(accountKey key: [UInt8], source: String, addressBucket: String) throws {
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
            WHERE bucket = \(addressBucket) AND window_start = date_trunc('minute', now()) AND hits > 0
            """)
    }

    /// Forgets the account's consecutive failures and waits; false when it had none.
    func unlock(accountKey key: [UInt8]) throws -> Bool {
        return try !database.query("""
            UPDATE signin_throttle SET failures = 0, wait_until = '-infinity', owner_failures = 0,
                                       owner_wait_until = '-infinity', updated_at = now()
            WHERE account_key = \(key) RETURNING 1 AS done
            """).isEmpty
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
