/// Client authentication inside the statement that acts for the client, so that a token
/// request is one round trip to PostgreSQL instead of "authenticate, then act".
///
/// The presented secret is matched in SQL as `secret_hash = SHA-256(presented secret)`, as
/// refresh tokens are (see `TokenStore.rotate`): the compared bytes are a digest the caller
/// cannot steer, so an early-exit compare leaks nothing usable about the secret.
///
/// `clientCTEs` gives the CTE `client (client_id, scope, grant_types, verified, seen_stale)`; a
/// statement acts only from its row, so when it is empty the statement changes nothing and
/// returns no row. `client_credentials` is for verified clients only (CONTRACT "Token
/// endpoint"): for that grant the row is there only when the client is verified.
extension ClientStore {
    /// `client`: one row when `proof` proves the client, by a method the client may use
    /// (`Client.allows(authenticationMethod:)`), and the client may use `grantType` (when
    /// given); with a secret, `secret_used` records the secret's use, at most once a minute.
    /// For a client authenticated before, its row (no grant-type condition: checked already).
    ///
    /// With `proof.unverifiedTokensPerMinute` (token requests; CONTRACT "Errors and bad input",
    /// `LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`), `client` is empty when the client is unverified
    /// and its one-minute window in `rate_limits` already counts that many tokens, so the
    /// statement issues nothing (the full path then answers `429`, `TokenRateLimit`); the
    /// issuing statement counts what it issued (`IssuingStatement.recorded`). A verified
    /// client's row passes without a look at `rate_limits`: no round trip, no row.
    static func clientCTEs(_ proof: ClientProof, grantType: String?) -> SQL {
        var grantCondition: SQL = grantType.map { "AND \($0)::text = ANY (c.grant_types)" } ?? ""
        if grantType == "client_credentials" { grantCondition = "\(fragment: grantCondition) AND c.verified" }
        switch proof.method {
        case .authenticated:
            return "client AS (SELECT client_id, scope, grant_types, verified, \(raw: ClientStore.seenStale) FROM clients c WHERE client_id = \(proof.clientID))"
        case .none:
            return limited("""
                SELECT c.client_id, c.scope, c.grant_types, c.verified, \(raw: ClientStore.seenStale) FROM clients c
                WHERE c.client_id = \(proof.clientID) AND c.token_endpoint_auth_method = 'none' \(fragment: grantCondition)
                """, unverifiedTokensPerMinute: proof.unverifiedTokensPerMinute)
        case .secret(let method, let secret):
            let client = limited("""
                SELECT c.client_id, c.scope, c.grant_types, c.verified, \(raw: ClientStore.seenStale) FROM clients c
                WHERE c.client_id = \(proof.clientID)
                  AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
                           WHEN c.origin = 'admin' THEN \(method)::text IN ('client_secret_basic', 'client_secret_post')
                           ELSE \(method)::text = c.token_endpoint_auth_method END
                  AND EXISTS (SELECT 1 FROM client_secrets s
                              WHERE s.id = \(secret.id) AND s.client_id = c.client_id AND s.secret_hash = \(secret.secretHash))
                  \(fragment: grantCondition)
                """, unverifiedTokensPerMinute: proof.unverifiedTokensPerMinute)
            return """
                \(fragment: client), secret_used AS (
                    UPDATE client_secrets SET last_used_at = now()
                    WHERE id = \(secret.id) AND \(raw: ClientStore.staleUse) AND EXISTS (SELECT 1 FROM client)
                )
                """
        }
    }

    /// `client AS (authenticating)`, or — with a limit — the authenticated row only while it
    /// is verified or its window holds fewer than `limit` tokens.
    private static func limited(_ authenticating: SQL, unverifiedTokensPerMinute limit: Int?) -> SQL {
        guard let limit else { return "client AS (\(fragment: authenticating))" }
        return """
            authenticated AS (\(fragment: authenticating)
            ), client AS (
                SELECT * FROM authenticated a
                WHERE CASE WHEN a.verified THEN true
                           ELSE NOT EXISTS (SELECT 1 FROM rate_limits r
                                            WHERE r.bucket = \(RateLimiter.unverifiedTokensPrefix)::text || a.client_id
                                              AND r.window_start = date_trunc('minute', now()) AND r.hits >= \(limit)::int) END
            )
            """
    }

    /// `seen_stale`: whether the client's last token mark (`last_token_at`, for the purge of idle
    /// clients) is missing or a day old, read with the client's row so that the issuing
    /// statement's `client_seen` (`IssuingStatement.recorded`) touches `clients` only then.
    static let seenStale: StaticString = "(c.last_token_at IS NULL OR c.last_token_at < now() - interval '1 day') AS seen_stale"
}
