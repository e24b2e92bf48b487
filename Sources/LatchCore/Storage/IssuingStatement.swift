/// Pieces every token-issuing statement shares (`AuthorizationCodeStore.redeem`,
/// `TokenStore.rotateOnce`, `TokenStore.issueForClient`), so that growth stays bounded without
/// one more round trip (CONTRACT "Tokens and secrets", "Dynamic client registration",
/// "Errors and bad input").
///
/// - A grant has an absolute end (`grants.expires_at`, `LATCH_GRANT_MAX_LIFETIME`): every
///   token's expiry is `least(now() + its lifetime, the grant's end)`, and `expires_in`
///   answers what was stored.
/// - The client's `last_token_at` is written at most once a day, by the statement that issued
///   a token, for the purge of idle dynamic clients (`Purger`).
enum IssuingStatement {
    /// `client_seen`: marks that the client of the `client` CTE obtained a token, when the CTE
    /// named `issued` has a row; only when the last mark is a day old or missing, so a busy
    /// client's row is written once a day, not once per token.
    static func clientSeen(after issued: StaticString) -> SQL {
        """
        client_seen AS (
            UPDATE clients SET last_token_at = now()
            WHERE client_id IN (SELECT client_id FROM client)
              AND (last_token_at IS NULL OR last_token_at < now() - interval '1 day')
              AND EXISTS (SELECT 1 FROM \(raw: issued))
        )
        """
    }

    /// The seconds from now to `column` (a token's `expires_at`), as `expires_in` reports them.
    static func secondsLeft(_ column: StaticString) -> SQL {
        "ceil(extract(epoch FROM \(raw: column) - now()))::int AS expires_in"
    }
}
