/// Client authentication inside the statement that acts for the client, so that a token
/// request is one round trip to PostgreSQL instead of "authenticate, then act".
///
/// The presented secret is matched in SQL as `secret_hash = SHA-256(presented secret)`, as
/// refresh tokens are (see `TokenStore.rotateOnce`): the compared bytes are a digest the caller
/// cannot steer, so an early-exit compare leaks nothing usable about the secret.
///
/// `clientCTEs` gives the CTE `client (client_id, scope, grant_types, verified, seen_stale,
/// id_token_alg, secret_stale)`; a
/// statement acts only from its row, so when it is empty the statement changes nothing and
/// returns no row. A metadata client (README "Client ID Metadata Documents") acts only while its
/// cached document is fresh (`metadata_expires_at`, NULL for other clients): past it, the full
/// path fetches the document first (`MetadataClients.current`). `client_credentials` is for verified clients only (README "Token lifecycle"): for that grant the row is there only when the client is verified.
extension ClientStore {
    /// `client`: one row when `proof` proves the client, by a method the client may use
    /// (`Client.allows(authenticationMethod:)`), and the client may use `grantType` (when
    /// given); with a secret, `secret_used` records the secret's use, at most once a minute.
    /// For a client authenticated before, its row (no grant-type condition: checked already).
    ///
    /// With `proof.unverifiedTokensPerMinute` (token requests; SECURITY.md "What was checked",
    /// `LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`), `client` is empty when the client is unverified
    /// and its one-minute window in `rate_limits` already counts that many tokens, so the
    /// statement issues nothing (the full path then answers `429`, `TokenRateLimit`); the
    /// issuing statement counts what it issued (`IssuingStatement.recorded`). A verified
    /// client's row passes without a look at `rate_limits`: no round trip, no row.
    static func clientCTEs(_ proof: ClientProof, grantType: String?) -> SQL {
        var grantCondition: SQL = grantType.map { "AND \($0)::text = ANY (c.grant_types)" } ?? ""
        var limit = proof.unverifiedTokensPerMinute
        if grantType == "client_credentials" || proof.verifiedOnly {
            // Verified clients only: no window to look at.
            grantCondition = "\(fragment: grantCondition) AND c.verified"
            limit = nil
        }
        switch proof.method {
        case .authenticated:
            // (A verifiedOnly proof's row, like every method's, is there only for a verified client.)
            let verified: SQL = proof.verifiedOnly ? "AND c.verified" : ""
            return "client AS (SELECT client_id, scope, grant_types, verified, \(raw: ClientStore.readWithRow), false AS secret_stale FROM clients c WHERE client_id = \(proof.clientID) \(fragment: verified))"
        case .none:
            return """
                client AS (
                    SELECT c.client_id, c.scope, c.grant_types, c.verified, \(raw: ClientStore.readWithRow), false AS secret_stale
                    FROM clients c
                    WHERE c.client_id = \(proof.clientID) AND c.token_endpoint_auth_method = 'none' \(fragment: grantCondition)
                      AND (c.metadata_expires_at IS NULL OR c.metadata_expires_at > now())
                      \(fragment: withinLimit(limit))
                )
                """
        case .assertion(let asserted):
            // The keys are still the client's, and the jti unused (the insert after what the
            // statement issued, `IssuingStatement.recorded`, refuses a concurrent replay).
            return """
                client AS (
                    SELECT c.client_id, c.scope, c.grant_types, c.verified, \(raw: ClientStore.readWithRow), false AS secret_stale
                    FROM clients c
                    WHERE c.client_id = \(proof.clientID) AND c.token_endpoint_auth_method = 'private_key_jwt'
                      AND c.origin <> 'admin' \(fragment: grantCondition)
                      AND (c.metadata_expires_at IS NULL OR c.metadata_expires_at > now())
                      AND (c.metadata->'jwks') IS NOT DISTINCT FROM \(asserted.jwks)::jsonb
                      AND (c.metadata->>'jwks_uri') IS NOT DISTINCT FROM \(asserted.jwksURI)::text
                      AND (\(asserted.jwksURI)::text IS NULL
                           OR EXISTS (SELECT 1 FROM client_key_sets k WHERE k.url = \(asserted.jwksURI)::text
                                        AND k.jwks = \(asserted.keySet)::jsonb AND k.expires_at > now()))
                      AND NOT EXISTS (SELECT 1 FROM client_assertion_jtis j
                                      WHERE j.client_id = c.client_id AND j.jti = \(asserted.jti)::text)
                      \(fragment: withinLimit(limit))
                )
                """
        case .secret(let method, let secret):
            // The secret's row is joined (one row: its id is unique), so that `secret_used`
            // touches `client_secrets` only when the row read here says its mark is stale.
            return """
                client AS (
                    SELECT c.client_id, c.scope, c.grant_types, c.verified, \(raw: ClientStore.readWithRow),
                           (s.last_used_at IS NULL OR s.last_used_at < now() - interval '60 seconds') AS secret_stale
                    FROM clients c JOIN client_secrets s
                      ON s.id = \(secret.id) AND s.client_id = c.client_id AND s.secret_hash = \(secret.secretHash)
                    WHERE c.client_id = \(proof.clientID)
                      AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
                               WHEN c.origin = 'admin' THEN \(method)::text IN ('client_secret_basic', 'client_secret_post')
                               ELSE \(method)::text = c.token_endpoint_auth_method END
                      \(fragment: grantCondition)
                      \(fragment: withinLimit(limit))
                )\(fragment: proof.verifiedOnly ? "" : secretUsed(secret))
                """
        }
    }

    /// `secret_used`: records the secret's use when the `client` row says its mark is stale.
    private static func secretUsed(_ secret: Credential) -> SQL {
        """
        , secret_used AS (
            UPDATE client_secrets SET last_used_at = now()
            WHERE EXISTS (SELECT 1 FROM client WHERE secret_stale)
              AND id = \(secret.id) AND \(raw: ClientStore.staleUse)
        )
        """
    }

    /// What the `client` CTE read that the caller of a `verifiedOnly` statement acts on
    /// (`ClientUse`): whether the client is verified, and whether its last-token and its
    /// secret's last-use marks are stale — from the CTE's row joined as `c` by the statement's
    /// issuing CTE (which returns them with what it issued).
    static let useColumns: StaticString = "c.verified AS client_verified, c.seen_stale, c.secret_stale"

    /// With a limit, the condition that keeps an unverified client's row only while its window
    /// holds fewer than `limit` tokens (a verified client's row passes without a look).
    private static func withinLimit(_ limit: Int?) -> SQL {
        guard let limit else { return "" }
        return """
            AND (c.verified OR NOT EXISTS (SELECT 1 FROM rate_limits r
                                           WHERE r.bucket = \(RateLimiter.unverifiedTokensPrefix)::text || c.client_id
                                             AND r.window_start = date_trunc('minute', now()) AND r.hits >= \(limit)::int))
            """
    }

    /// What each `client` CTE reads with the client's row besides its grants: `seen_stale`,
    /// whether the client's last token mark (`last_token_at`, for the purge of idle clients) is
    /// missing or a day old, so that the issuing statement's `client_seen`
    /// (`IssuingStatement.recorded`) touches `clients` only then; and `id_token_alg`, its
    /// registered `id_token_signed_response_alg` (`TokenIdentity`).
    static let readWithRow: StaticString = """
        (c.last_token_at IS NULL OR c.last_token_at < now() - interval '1 day') AS seen_stale, \
        c.metadata->>'id_token_signed_response_alg' AS id_token_alg
        """

    /// Whether a client's row's `last_token_at` (unqualified) is due: missing or a day old.
    static let staleMark: StaticString = "(last_token_at IS NULL OR last_token_at < now() - interval '1 day')"
}
