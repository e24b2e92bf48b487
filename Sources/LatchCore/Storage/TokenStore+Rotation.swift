/// Why a refresh token was not rotated.
public enum RefreshRefusal: Sendable, Equatable {
    /// The token was already rotated: presenting it again revoked its whole grant.
    case reused
    /// The token is live but the requested scope is not a subset of its scope.
    case scopeNotGranted
    /// The token is live but the requested resource is not its audience.
    case resourceMismatch
    /// The client is unverified (an admin un-verified it after the grant) and the scope it would
    /// receive holds a scope that is not open (README "The client trust model").
    case scopeNotOpen
    /// Unknown, wrong secret, another client's, expired, revoked, or its grant is revoked.
    case invalid
}

/// What became of a refresh request.
public enum RotationOutcome: Sendable {
    case rotated(IssuedTokens)
    case refused(RefreshRefusal)
}

/// What a refresh request asks for, already parsed and authenticated.
public struct RefreshRequest: Sendable {
    public let presented: Credential
    public let clientID: String
    /// The narrowed scope (normalized, space-separated), or nil to keep the token's scope.
    public let scope: String?
    /// The RFC 8707 resource the client named (normalised), or nil: when named, it must be the
    /// token's audience (refresh never changes the audience).
    public let resource: String?
    /// latch's own API (normalised): the audience of a token stored before revision 2 without one.
    public let own: String

    public init(presented: Credential, clientID: String, scope: String?, resource: String?, own: String = "") {
        self.presented = presented
        self.clientID = clientID
        self.scope = scope
        self.resource = resource
        self.own = own
    }

    /// The same request, made by `clientID`.
    func by(_ clientID: String) -> RefreshRequest {
        RefreshRequest(presented: presented, clientID: clientID, scope: scope, resource: resource, own: own)
    }
}

extension TokenStore {
    /// Rotates a refresh token (RFC 6749 §6, OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
    ///
    /// The success path is ONE statement: it marks the presented refresh token used — only if
    /// it is this client's, unused, unrevoked, unexpired, of a live grant and user, and the
    /// requested scope and resource fit — revokes the access token issued with it, touches the
    /// grant and inserts the new pair. Under READ COMMITTED, concurrent rotations of one token
    /// queue on that token's row lock; when the first commits, each waiter re-checks its WHERE
    /// against the committed row (`used_at IS NULL` is now false) and updates nothing. So exactly
    /// one rotation wins, and no statement ever fails for it.
    ///
    /// Only when nothing was rotated does a second statement find out why; a token that exists,
    /// is this client's and was already used revokes its whole grant (reuse detection).
    ///
    /// The secret is matched in SQL as `secret_hash = SHA-256(presented secret)`: the compared
    /// bytes are a digest the caller cannot steer, so an early-exit compare leaks nothing usable
    /// about the secret, and it keeps rotation at one round trip instead of fetch-then-update.
    ///
    /// Audit rows are branches of the same statements: `refresh.rotated` commits with the
    /// rotation; `refresh.reuse_detected` (and `grant.revoked` when the grant was live until
    /// then) with the revocation. Other refusals leave no row.
    ///
    /// No token outlives its grant's end (`grants.expires_at`, `LATCH_GRANT_MAX_LIFETIME`): the
    /// new pair's expiry is capped by it, and a grant past it rotates nothing.
    ///
    /// `reuseGrace` (`LATCH_REFRESH_REUSE_GRACE`, seconds; 0 = off): a second use of the
    /// *just-rotated* token — the last refresh token of its grant that was rotated, rotated
    /// less than `reuseGrace` seconds ago — by the same client gets a fresh pair of its own in
    /// the same grant instead of revoking it (clients that refresh concurrently). Any other
    /// reuse still revokes the grant.
    ///
    /// `rotateOnce` is the rotation statement alone, for the client `proof` proves (the
    /// statement authenticates it, or it was authenticated before): the new pair, or nil when
    /// nothing was rotated (and nothing changed); `outcomeWithoutRotation` the second statement.
    public func rotateOnce(_ request: RefreshRequest, by proof: ClientProof, accessLifetime: Int, refreshLifetime: Int,
                           audit: AuditSource) throws -> IssuedTokens? {
        let access = Credential.mint(.accessToken)
        let refresh = Credential.mint(.refreshToken)
        let rows = try database.query(TokenStore.rotationStatement(request, by: proof, access: access, refresh: refresh,
                                                                   accessLifetime: accessLifetime,
                                                                   refreshLifetime: refreshLifetime, audit: audit))
        guard let row = rows.first else { return nil }
        return IssuedTokens(accessToken: access, refreshToken: refresh, expiresIn: try row.int("expires_in"),
                            scope: try row.string("scope"), identity: try TokenIdentity.read(row),
                            signedAccess: try SignedAccessFacts.read(row), clientUse: try ClientUse.read(row))
    }

    /// The statement `rotateOnce` sends (and the bench runs, `BenchScripts`).
    static func rotationStatement(_ request: RefreshRequest, by proof: ClientProof, access: Credential, refresh: Credential,
                                  accessLifetime: Int, refreshLifetime: Int, audit: AuditSource) -> SQL {
        let presented = request.presented
        return """
            WITH \(fragment: ClientStore.clientCTEs(proof, grantType: "refresh_token")), presented AS (
                UPDATE tokens t SET used_at = now()
                FROM client c, grants g LEFT JOIN users u ON u.id = g.user_id
                WHERE t.id = \(presented.id) AND t.kind = 'refresh' AND t.secret_hash = \(presented.secretHash)
                  AND t.client_id = c.client_id
                  AND \(fragment: TokenLiveness.token) AND g.id = t.grant_id AND \(fragment: TokenLiveness.grantAndUser)
                  AND (\(request.scope)::text IS NULL OR string_to_array(\(request.scope), ' ') <@ string_to_array(t.scope, ' '))
                  AND (\(request.resource)::text IS NULL OR coalesce(t.audience, \(request.own)::text) = \(request.resource))
                  \(fragment: TokenStore.openScopesUnlessVerified(proof, "coalesce(\(request.scope)::text, t.scope)"))
                RETURNING t.id, t.grant_id, t.user_id, t.scope, t.audience, g.expires_at AS grant_expires_at,
                          g.auth_time, \(fragment: TokenIdentity.columns(user: "u", client: "c")), \(raw: ClientStore.useColumns)
            ), sibling AS (
                UPDATE tokens a SET revoked_at = now()
                FROM presented p
                WHERE a.refresh_token_id = p.id AND a.kind = 'access' AND a.revoked_at IS NULL
            ), touched AS (
                UPDATE grants g SET last_used_at = now()
                FROM presented p
                WHERE g.id = p.grant_id
            ), new_pair AS (
                \(fragment: TokenStore.newPair(access, refresh, from: "presented", request: request,
                                              accessLifetime: accessLifetime, refreshLifetime: refreshLifetime))
            )\(fragment: IssuingStatement.recorded(after: "presented", proof: proof)), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT \(AuditEvent.refreshRotated.rawValue)::text, \(audit.actor)::text, p.user_id, \(request.clientID)::text,
                       \(audit.address)::text,
                       jsonb_build_object('grant_id', p.grant_id, 'scope', coalesce(\(request.scope)::text, p.scope))
                FROM presented p
            )
            SELECT coalesce(\(request.scope)::text, p.scope) AS scope,
                   \(fragment: IssuingStatement.secondsLeft(IssuingStatement.tokenEnd(lifetime: accessLifetime, grantEnd: "p.grant_expires_at"))),
                   \(fragment: TokenStore.identityColumns(request)),
                   \(fragment: SignedAccessFacts.audienceColumn("p.audience")), p.client_verified, p.seen_stale, p.secret_stale
            FROM presented p
            """
    }

    /// What becomes of `request` when it rotated nothing: a fresh pair when it is a reuse
    /// within the grace (`reuseGrace` > 0, see `rotateOnce`), else the refusal — and a reuse
    /// outside it revokes the whole grant (one within it that asks for more scope, another
    /// resource, or of a dead grant is refused and revokes nothing). Presenting another
    /// client's token has no effect on it (only its owner can burn it). One statement either
    /// way: the grace pair, recorded like any issued token, with its audit row
    /// (`refresh.rotated` with `reuse_grace`), or the revocation and its audit rows.
    func outcomeWithoutRotation(of request: RefreshRequest, accessLifetime: Int, refreshLifetime: Int,
                                        reuseGrace: Int, audit: AuditSource) throws -> RotationOutcome {
        let presented = request.presented
        let access = Credential.mint(.accessToken)
        let refresh = Credential.mint(.refreshToken)
        guard let row = try database.query("""
            WITH \(fragment: ClientStore.clientCTEs(.authenticated(request.clientID), grantType: nil)), presented AS (
                SELECT t.grant_id, t.user_id, t.scope, t.audience, g.expires_at AS grant_expires_at,
                       g.auth_time, \(fragment: TokenIdentity.columns(user: "u", client: "c")),
                       t.used_at IS NOT NULL AS used,
                       (\(fragment: TokenLiveness.tokenEvenIfUsed)
                        AND \(fragment: TokenLiveness.grantAndUser)) AS live,
                       (\(request.scope)::text IS NULL
                        OR string_to_array(\(request.scope), ' ') <@ string_to_array(t.scope, ' ')) AS scope_granted,
                       coalesce(\(request.resource)::text IS NULL
                                OR coalesce(t.audience, \(request.own)::text) = \(request.resource), false) AS resource_matches,
                       (EXISTS (SELECT 1 FROM client c WHERE c.verified)
                        OR \(fragment: TokenStore.onlyOpenScopes("coalesce(\(request.scope)::text, t.scope)"))) AS scope_open,
                       -- Rotated within the grace, and no refresh token of the grant rotated since.
                       coalesce(\(reuseGrace)::int > 0 AND t.used_at > now() - make_interval(secs => \(reuseGrace)::int)
                                AND NOT EXISTS (SELECT 1 FROM tokens n WHERE n.grant_id = t.grant_id AND n.kind = 'refresh'
                                                                         AND n.used_at > t.used_at), false) AS just_rotated
                FROM tokens t
                JOIN grants g ON g.id = t.grant_id
                LEFT JOIN users u ON u.id = t.user_id
                LEFT JOIN client c ON true
                WHERE t.id = \(presented.id) AND t.kind = 'refresh' AND t.secret_hash = \(presented.secretHash)
                  AND t.client_id = \(request.clientID)
            ), graced AS (
                SELECT * FROM presented WHERE used AND just_rotated AND live AND scope_granted AND resource_matches AND scope_open
            ), \(fragment: GrantStore.revoking("family", from: "presented p", where: "g.id = p.grant_id AND p.used AND NOT p.just_rotated",
                                               reason: "refresh_token_reuse")), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT e.event, \(audit.actor)::text, p.user_id, \(request.clientID)::text, \(audit.address)::text, e.detail
                FROM presented p
                CROSS JOIN LATERAL (VALUES
                    (1, \(AuditEvent.refreshReuseDetected.rawValue)::text, jsonb_build_object('grant_id', p.grant_id)),
                    (2, \(AuditEvent.grantRevoked.rawValue)::text,
                     jsonb_build_object('grant_id', p.grant_id, 'reason', 'refresh_token_reuse')),
                    (3, \(AuditEvent.refreshRotated.rawValue)::text,
                     jsonb_build_object('grant_id', p.grant_id, 'scope', coalesce(\(request.scope)::text, p.scope),
                                        'reuse_grace', true))
                ) AS e (n, event, detail)
                WHERE p.used AND CASE WHEN p.just_rotated THEN e.n = 3 AND EXISTS (SELECT 1 FROM graced)
                                      ELSE e.n = 1 OR (e.n = 2 AND EXISTS (SELECT 1 FROM family)) END
                ORDER BY e.n
            ), new_pair AS (
                \(fragment: TokenStore.newPair(access, refresh, from: "graced", request: request,
                                              accessLifetime: accessLifetime, refreshLifetime: refreshLifetime))
            )\(fragment: IssuingStatement.recorded(after: "new_pair"))
            SELECT p.used, p.just_rotated, p.live, p.scope_granted, p.resource_matches, p.scope_open, a.scope AS graced_scope, a.expires_in,
                   a.scope, \(fragment: TokenStore.identityColumns(request)),
                   \(fragment: SignedAccessFacts.audienceColumn("a.audience"))
            FROM presented p LEFT JOIN new_pair a ON a.kind = 'access'
            """).first else { return .refused(.invalid) }
        if let scope = row.optionalString("graced_scope") {
            return .rotated(IssuedTokens(accessToken: access, refreshToken: refresh, expiresIn: try row.int("expires_in"),
                                         scope: scope, identity: try TokenIdentity.read(row),
                                         signedAccess: try SignedAccessFacts.read(row)))
        }
        // A reuse within the grace that does not fit is refused like a live token, and revokes nothing.
        if try row.bool("used"), !(try row.bool("just_rotated")) { return .refused(.reused) }
        guard try row.bool("live") else { return .refused(.invalid) }
        guard try row.bool("scope_granted") else { return .refused(.scopeNotGranted) }
        guard try row.bool("resource_matches") else { return .refused(.resourceMismatch) }
        guard try row.bool("scope_open") else { return .refused(.scopeNotOpen) }
        // Live, fitting, yet not rotated: a concurrent request rotated or revoked it after this
        // request's rotation statement looked; both make this presentation invalid.
        return .refused(.invalid)
    }
}

extension TokenStore {
    /// The new pair of a rotation, in the grant of the row `source` (a CTE with `grant_id`,
    /// `user_id`, `scope`, `audience`, `grant_expires_at`), neither outliving the grant: the
    /// refresh token with the grant's scope, the access token issued with it with the request's
    /// narrowed scope (else the grant's). One INSERT of both rows — one result relation to open
    /// and check instead of two — returning what the answer reports of each (`kind`, `scope`,
    /// `audience`, `expires_in`).
    static func newPair(_ access: Credential, _ refresh: Credential, from source: StaticString, request: RefreshRequest,
                        accessLifetime: Int, refreshLifetime: Int) -> SQL {
        """
        INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
        SELECT n.id, n.kind, n.secret_hash, p.grant_id, \(request.clientID), p.user_id, n.scope, p.audience, n.refresh_token_id,
               least(now() + make_interval(secs => n.lifetime), p.grant_expires_at)
        FROM \(raw: source) p CROSS JOIN LATERAL (VALUES
            (\(access.id)::text, 'access'::text, \(access.secretHash)::bytea, coalesce(\(request.scope)::text, p.scope),
             \(refresh.id)::text, \(accessLifetime)::int),
            (\(refresh.id)::text, 'refresh'::text, \(refresh.secretHash)::bytea, p.scope, NULL::text, \(refreshLifetime)::int)
        ) AS n (id, kind, secret_hash, scope, refresh_token_id, lifetime)
        RETURNING kind, scope, audience, \(fragment: IssuingStatement.secondsLeft("expires_at"))
        """
    }
}

extension TokenStore {
    /// SQL: the condition of an issuing statement that an unverified client receives only open
    /// scopes (`onlyOpenScopes` of `scopes`), for the client CTE's row joined as `c`. None for a
    /// `verifiedOnly` proof: its client CTE has a row only for a verified client, so the
    /// condition holds, and its subplan would only be planned and set up for nothing.
    static func openScopesUnlessVerified(_ proof: ClientProof, _ scopes: SQL) -> SQL {
        proof.verifiedOnly ? "" : "AND (c.verified OR \(fragment: onlyOpenScopes(scopes)))"
    }

    /// SQL: true when every scope of the space-separated `scopes` expression is open — what an
    /// unverified client may receive (README "The client trust model": an admin may un-verify a
    /// client after it was granted more; its refreshes then get no scope that is not open).
    static func onlyOpenScopes(_ scopes: SQL) -> SQL {
        """
        NOT EXISTS (SELECT 1 FROM unnest(string_to_array(\(fragment: scopes), ' ')) AS w (name)
                    WHERE w.name <> '' AND NOT EXISTS (SELECT 1 FROM scopes s WHERE s.name = w.name AND s.open))
        """
    }
}

extension TokenStore {
    /// The columns `TokenIdentity.read` needs, from the CTE `p` of a refresh (README "OpenID
    /// Connect": a refresh keeps `auth_time` and carries no `nonce`).
    static func identityColumns(_ request: RefreshRequest) -> SQL {
        """
        \(request.clientID)::text AS client_id, p.user_id, NULL::text AS nonce,
        extract(epoch FROM p.auth_time)::bigint AS auth_epoch, p.username, p.email, p.email_verified, p.id_token_alg
        """
    }
}
