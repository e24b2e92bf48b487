/// Pieces every token-issuing statement shares (`AuthorizationCodeStore.redeem`,
/// `TokenStore.rotateOnce`, `TokenStore.issueForClient`), so that growth stays bounded without
/// one more round trip (README "Token lifecycle"; README "Clients and admins"; SECURITY.md "What was checked").
///
/// - A grant has an absolute end (`grants.expires_at`, `LATCH_GRANT_MAX_LIFETIME`): every
///   token's expiry is `least(now() + its lifetime, the grant's end)`, and `expires_in`
///   answers what was stored.
/// - The client's `last_token_at` is written at most once a day, by the statement that issued
///   a token, for the purge of idle dynamic clients (`Purger`).
/// - An unverified client's tokens are counted in its one-minute window of `rate_limits`
///   (`LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`, checked by `ClientStore.clientCTEs` and
///   `TokenRateLimit`): what was issued, not what was asked, so nobody who merely knows a public
///   client's id can use up its minute.
enum IssuingStatement {
    /// `, client_seen` and `token_counted` (each CTE after a comma: the statement goes on after
    /// the preceding CTE's closing parenthesis), after the CTE named `issued` (one row when the
    /// statement issued a token to the client of the `client` CTE, none otherwise):
    /// `client_seen` marks that the client obtained a token, only when the last mark is a day
    /// old or missing, so a busy client's row is written once a day, not once per token (its
    /// two `EXISTS` are evaluated once, before any row of `clients` is read: on most requests
    /// the client's row, read already, says the mark is fresh, and `clients` is not touched);
    /// `token_counted` counts the token of an unverified client. Neither writes anything for a
    /// verified client on a day it already obtained a token. A `verifiedOnly` proof's statement
    /// has neither: its client is verified, and its caller writes the mark when it is due
    /// (`ClientUse`).
    ///
    /// For a client `proof` authenticates with a client assertion (`private_key_jwt`), also
    /// `assertion_used`: the assertion's `jti`, recorded only when the statement issued (a
    /// refused request leaves it to the full path). A plain INSERT: a concurrent replay that
    /// got past the `client` CTE's check fails on the key, and the whole statement with it —
    /// nothing issued (`TokenGrant.attempt` then leaves the request to the full path).
    static func recorded(after issued: StaticString, proof: ClientProof? = nil) -> SQL {
        var assertion: SQL = ""
        if let proof, case .assertion(let asserted) = proof.method {
            assertion = """
                , assertion_used AS (
                    INSERT INTO client_assertion_jtis (client_id, jti, expires_at)
                    SELECT c.client_id, \(asserted.jti)::text, to_timestamp(\(asserted.expiresAt)::bigint)
                    FROM client c WHERE EXISTS (SELECT 1 FROM \(raw: issued))
                )
                """
        }
        if proof?.verifiedOnly == true { return assertion }
        return """
        , client_seen AS (
            UPDATE clients SET last_token_at = now()
            WHERE EXISTS (SELECT 1 FROM client WHERE seen_stale) AND EXISTS (SELECT 1 FROM \(raw: issued))
              AND client_id = (SELECT client_id FROM client)
              AND \(raw: ClientStore.staleMark)
        ), token_counted AS (
            INSERT INTO rate_limits AS r (bucket, window_start, hits)
            SELECT \(RateLimiter.unverifiedTokensPrefix)::text || c.client_id, date_trunc('minute', now()), 1
            FROM client c WHERE NOT c.verified AND EXISTS (SELECT 1 FROM \(raw: issued))
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
        )\(fragment: assertion)
        """
    }

    /// A token's end: `lifetime` seconds from now, never past `grantEnd` (its grant's end).
    static func tokenEnd(lifetime: Int, grantEnd: StaticString) -> SQL {
        "least(now() + make_interval(secs => \(lifetime)), \(raw: grantEnd))"
    }

    /// The seconds from now to `end` (a token's `expires_at`, or the expression it was stored
    /// from: `now()` is the statement's), as `expires_in` reports them.
    static func secondsLeft(_ end: SQL) -> SQL {
        "ceil(extract(epoch FROM \(fragment: end) - now()))::int AS expires_in"
    }
}
