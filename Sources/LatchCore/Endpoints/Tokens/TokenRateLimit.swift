/// The token endpoint's limit per unverified client (SECURITY.md "What was checked":
/// `LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`, default 120 a minute; `429` with `Retry-After` and an
/// OAuth error body). Verified clients are not limited.
///
/// The count lives in PostgreSQL (`rate_limits`, bucket `token:CLIENT_ID`), so every worker on
/// every host shares it. It counts the tokens an unverified client obtained this minute — a
/// request that got nothing counts nothing, so nobody who merely knows a public client's id can
/// use up its minute — and is kept by the statements that issue them
/// (`IssuingStatement.recorded`). The one-round-trip statement of each grant issues nothing
/// once the window is full (`ClientStore.clientCTEs`); a verified client's statement
/// does not even look, so it pays no round trip for the limit. When that statement issued
/// nothing, the full path asks — for an unverified client only — whether the window is full,
/// and answers `429` before the grant's own checks (so a refused request never burns a code or
/// revokes a grant). Concurrent requests may overshoot the limit by as many as run at once.
enum TokenRateLimit {
    /// `429` when `client` is unverified and its window already holds `limit` tokens; else nothing.
    static func check(_ client: Client, limit: Int, database: Database) throws {
        guard !client.verified else { return }
        if let retryAfter = try RateLimiter(database: database).exceeded(RateLimiter.unverifiedTokensPrefix + client.clientID,
                                                                          limit: limit) {
            throw RateLimiter.tooMany(retryAfter: retryAfter, "too many token requests from this client; try again later")
        }
    }
}
