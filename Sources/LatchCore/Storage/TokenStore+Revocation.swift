extension TokenStore {
    /// RFC 7009 revocation of a token `clientID` presents. Unknown, malformed or another
    /// client's tokens are left alone (the endpoint answers 200 all the same).
    ///
    /// - An access token: that token is revoked.
    /// - A refresh token: its whole grant is revoked (RFC 7009 §2.1: revoking a refresh token
    ///   SHOULD also invalidate the access tokens of the same grant). The refresh token is the
    ///   grant's only way to live on, so the family ends here — the access token issued with it
    ///   and every other token of that authorization — and nothing of another grant.
    ///
    /// One statement either way, matching `secret_hash = SHA-256(secret)` in SQL (see `rotateOnce`),
    /// with the audit row (`token.revoked`) as one more branch of it, written only when
    /// something was revoked.
    /// The refresh case locks only the grant row, never token rows, so it cannot deadlock with
    /// a rotation (which locks token rows, then the grant).
    /// - Returns: whether anything was revoked (never shown to the client).
    @discardableResult
    public func revoke(_ presented: String, byClient clientID: String, audit: AuditSource) throws -> Bool {
        switch Credential.kind(of: presented) {
        case .accessToken?, nil:
            // An opaque access token, or a JWT access token whose signature verified (its
            // `jti` is the row's id; README "JWT access tokens").
            guard let parsed = try self.presented(presented), parsed.credential.kind == .accessToken else { return false }
            let token = parsed.credential
            let secretMatches: SQL = parsed.bySignature ? "true" : "secret_hash = \(token.secretHash)"
            return try database.retryingConflicts {
                try database.query("""
                    WITH revoked AS (
                        UPDATE tokens SET revoked_at = now()
                        WHERE id = \(token.id) AND kind = 'access' AND \(fragment: secretMatches)
                          AND client_id = \(clientID) AND revoked_at IS NULL
                        RETURNING grant_id, user_id, client_id
                    ), audited AS (
                        INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                        SELECT \(AuditEvent.tokenRevoked.rawValue)::text, \(audit.actor)::text, user_id, client_id,
                               \(audit.address)::text, jsonb_build_object('token_kind', 'access', 'grant_id', grant_id)
                        FROM revoked
                    )
                    SELECT EXISTS (SELECT 1 FROM revoked) AS revoked
                    """)[0].bool("revoked")
            }
        case .refreshToken?:
            guard let token = Credential.parse(presented, as: .refreshToken) else { return false }
            return try database.retryingConflicts {
                try database.query("""
                    WITH \(fragment: GrantStore.revoking(from: "tokens t", where: """
                        t.id = \(token.id) AND t.kind = 'refresh' AND t.secret_hash = \(token.secretHash)
                          AND t.client_id = \(clientID) AND g.id = t.grant_id
                        """, reason: "client_revoked")), audited AS (
                        INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                        SELECT \(AuditEvent.tokenRevoked.rawValue)::text, \(audit.actor)::text, user_id, client_id,
                               \(audit.address)::text, jsonb_build_object('token_kind', 'refresh', 'grant_id', id, 'grant_revoked', true)
                        FROM revoked
                    )
                    SELECT EXISTS (SELECT 1 FROM revoked) AS revoked
                    """)[0].bool("revoked")
            }
        default:
            return false
        }
    }

    /// The user revokes an app: every grant (so every access and refresh token) the user gave
    /// `clientID`, and every code not yet redeemed, stop working. Nobody else's are touched.
    ///
    /// Two statements in one transaction, codes first: deleting the codes waits for any
    /// redemption already holding one, and READ COMMITTED gives the second statement a fresh
    /// snapshot, so a grant such a redemption just created is revoked too. A redemption that
    /// comes later finds no code. The second statement also records the act (`grant.revoked`,
    /// with the grants it revoked and the number of codes removed), even when there was nothing
    /// to revoke.
    /// - Returns: how many grants were revoked.
    @discardableResult
    public func revokeGrants(userID: Int, clientID: String, reason: String, audit: AuditSource) throws -> Int {
        try database.retryingConflicts {
            try database.withTransaction {
                let codes = try database.query("""
                    DELETE FROM authorization_codes
                    WHERE user_id = \(userID) AND client_id = \(clientID) AND redeemed_at IS NULL
                    RETURNING id
                    """).count
                return try database.query("""
                    WITH \(fragment: GrantStore.revoking(where: "g.user_id = \(userID) AND g.client_id = \(clientID)",
                                                          reason: reason)), audited AS (
                        INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                        SELECT \(AuditEvent.grantRevoked.rawValue)::text, \(audit.actor)::text, \(userID)::bigint,
                               \(AuditLog.cleanText(clientID))::text, \(audit.address)::text,
                               jsonb_build_object('reason', \(reason)::text,
                                                  'grant_ids', coalesce(jsonb_agg(id ORDER BY id), '[]'::jsonb),
                                                  'code_count', \(codes)::int)
                        FROM revoked
                    )
                    SELECT count(*) AS n FROM revoked
                    """)[0].int("n")
            }
        }
    }

    /// A client_credentials token (RFC 6749 §4.4): a new grant acting for the client itself
    /// (user_id NULL) and one access token for `audience`, no refresh token, and its audit row
    /// (`token.issued`), in one statement, for the client `proof` proves. `audience` (normalised) must be a
    /// registered resource (`ResourceStore.targetCTE`; `own` is latch's own API). The scope, by
    /// the rules of `ScopePolicy`: `requested` (parsed, duplicates removed) when the client asked —
    /// then every one must be defined, open or asked by a verified client, in the client's
    /// registered list when it has one, and accepted by the resource; otherwise the client's
    /// registered scopes (or, with no list, the resource's default scopes) that pass the same
    /// rules, in their order. nil, and nothing issued, when the client CTE is empty or a rule is
    /// broken (the caller finds out which). The grant ends with its one access token (it can
    /// issue nothing more), at most `grantLifetime` seconds from now, so the purge takes it then.
    public func issueForClient(by proof: ClientProof, requested: [String]?, audience: String, own: String,
                               accessLifetime: Int, grantLifetime: Int, audit: AuditSource) throws -> IssuedTokens? {
        let access = Credential.mint(.accessToken)
        guard let row = try database.query(TokenStore.clientTokenStatement(
            by: proof, requested: requested, audience: audience, own: own, access: access, grantID: TokenStore.newGrantID(),
            accessLifetime: accessLifetime, grantLifetime: grantLifetime, audit: audit)).first else { return nil }
        return IssuedTokens(accessToken: access, refreshToken: nil, expiresIn: try row.int("expires_in"), scope: try row.string("scope"),
                            signedAccess: try SignedAccessFacts.read(row), clientUse: try ClientUse.read(row))
    }

    /// The statement `issueForClient` sends (and the bench runs, `BenchScripts`).
    static func clientTokenStatement(by proof: ClientProof, requested: [String]?, audience: String, own: String,
                                     access: Credential, grantID: String, accessLifetime: Int, grantLifetime: Int,
                                     audit: AuditSource) -> SQL {
        let asked = requested.map(TextArray.init)
        return """
            WITH \(fragment: ClientStore.clientCTEs(proof, grantType: "client_credentials")), \(fragment: ResourceStore.targetCTE(identifier: audience, own: own)), resolved AS (
                -- One row when the token is issued: what the grant, the token and the answer need.
                SELECT c.client_id, t.identifier AS audience, d.scope, \(raw: ClientStore.useColumns),
                       now() + make_interval(secs => least(\(accessLifetime)::int, \(grantLifetime)::int)) AS token_end
                FROM client c CROSS JOIN target t CROSS JOIN LATERAL (
                    SELECT coalesce(string_agg(candidate.name, ' ' ORDER BY candidate.position), '') AS scope,
                           count(*) AS permitted
                    FROM unnest(coalesce(\(asked)::text[], CASE WHEN cardinality(c.scope) > 0 THEN c.scope ELSE t.default_scopes END))
                         WITH ORDINALITY AS candidate(name, position)
                    -- Each asked name looked up by its key (OFFSET 0 keeps this a lookup per name:
                    -- joined, the few scopes rows were hashed anew by every request).
                    CROSS JOIN LATERAL (SELECT s.name, s.open FROM scopes s WHERE s.name = candidate.name OFFSET 0) AS s
                    WHERE (c.verified OR s.open)
                      AND (cardinality(c.scope) = 0 OR s.name = ANY (c.scope))
                      AND (s.name IN ('openid', 'offline_access') OR t.scopes IS NULL OR s.name = ANY (t.scopes))
                ) AS d
                WHERE \(asked)::text[] IS NULL OR d.permitted = cardinality(\(asked)::text[])
            ), new_grant AS (
                INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at, expires_at)
                SELECT \(grantID), client_id, NULL, scope, audience, now(), token_end
                FROM resolved
            )\(fragment: IssuingStatement.recorded(after: "resolved", proof: proof)), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT \(AuditEvent.tokenIssued.rawValue)::text, \(audit.actor)::text, NULL, client_id, \(audit.address)::text,
                       jsonb_build_object('grant_type', 'client_credentials', 'grant_id', \(grantID)::text, 'scope', scope,
                                          'resource', audience)
                FROM resolved
            ), issued AS (
                INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
                SELECT \(access.id), 'access', \(access.secretHash), \(grantID), client_id, NULL, scope, audience, token_end
                FROM resolved
            )
            SELECT x.scope, \(fragment: IssuingStatement.secondsLeft("x.token_end")), x.client_id,
                   NULL::bigint AS user_id, NULL::bigint AS auth_epoch, \(fragment: SignedAccessFacts.audienceColumn("x.audience")),
                   x.client_verified, x.seen_stale, x.secret_stale
            FROM resolved x
            """
    }
}
