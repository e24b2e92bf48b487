/// Fixed one-minute windows counted in PostgreSQL (`rate_limits`), so every worker on
/// every host shares them. It answers in seconds to wait; the refusal sent for them is the
/// endpoint's (`RateLimiter.tooMany`, `RateLimiter+Refusal.swift`).
public struct RateLimiter {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Counts one event in `bucket`; returns the seconds to wait when the window already held
    /// `limit` events (the event is then not allowed), else nil.
    public func hit(_ bucket: String, limit: Int) throws -> Int? {
        let row = try database.query("""
            INSERT INTO rate_limits AS r (bucket, window_start, hits)
            VALUES (\(bucket), date_trunc('minute', now()), 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
            RETURNING hits, 60 - extract(second FROM now())::int AS retry_after
            """)[0]
        return try row.int("hits") > limit ? max(1, try row.int("retry_after")) : nil
    }

    /// Whether `bucket` is already at `limit` in this window, without counting an event;
    /// the seconds to wait, else nil.
    public func exceeded(_ bucket: String, limit: Int) throws -> Int? {
        guard let row = try database.query("""
            SELECT hits, 60 - extract(second FROM now())::int AS retry_after FROM rate_limits
            WHERE bucket = \(bucket) AND window_start = date_trunc('minute', now())
            """).first else { return nil }
        return try row.int("hits") >= limit ? max(1, try row.int("retry_after")) : nil
    }

    /// The bucket prefix of the tokens issued to each unverified client (`token:CLIENT_ID`),
    /// counted by the issuing statements themselves (`IssuingStatement.recorded`).
    public static let unverifiedTokensPrefix = "token:"
}
