/// The token endpoint's limit per unverified client (CONTRACT "Errors and bad input":
/// `LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`, default 120 a minute; `429` with `Retry-After` and an
/// OAuth error body). Verified clients are not limited.
///
/// The count lives in PostgreSQL (`rate_limits`, bucket `token:CLIENT_ID`), so every worker on
/// every host shares it, and it is kept by the one-round-trip statement of each grant: its
/// `token_rate` CTE (`ClientStore.authenticatingCTEs`) counts the request of an unverified
/// client and issues nothing past the limit. A verified client's statement writes nothing
/// there, so it pays no round trip for the limit. When that statement issued nothing, the
/// full path asks — for an unverified client only — whether this minute went over the limit,
/// without counting the request again, and answers `429` before the grant's own checks (so a
/// refused request never burns a code or revokes a grant).
enum TokenRateLimit {
    /// `429` when `client` is unverified and its window is over `limit`; else nothing.
    static func check(_ client: Client, limit: Int, database: Database) throws {
        guard !client.verified else { return }
        if let retryAfter = try RateLimiter(database: database).over(RateLimiter.unverifiedTokensPrefix + client.clientID,
                                                                      limit: limit) {
            throw RateLimiter.tooMany(retryAfter: retryAfter, "too many token requests from this client; try again later")
        }
    }
}
