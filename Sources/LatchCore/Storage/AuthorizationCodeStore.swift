/// A stored authorization code, as the token endpoint reads it (never the code itself).
public struct AuthorizationCode: Sendable {
    public let id: String
    public let secretHash: [UInt8]
    public let clientID: String
    public let userID: Int
    public let redirectURI: String
    public let redirectURIGiven: Bool
    public let codeChallenge: String
    public let scope: String
    public let resource: String?
    public let isRedeemed: Bool
    public let isExpired: Bool
    public let isUserDisabled: Bool
}

/// What a token request repeats and proves about its code (RFC 6749 §4.1.3, RFC 7636 §4.6,
/// RFC 8707 §2.2).
public struct CodeRedemption: Sendable {
    /// `BASE64URL(SHA256(code_verifier))`: what the stored challenge must be.
    public let codeChallenge: String
    /// The request's redirect_uri: required and identical when the authorize request carried
    /// one; when it did not, one sent anyway must still be the one the code went to.
    public let redirectURI: String?
    /// The request's resource, normalised: nil, or the one the code is for (CONTRACT "Token
    /// endpoint": "resource (optional; equal to the code's)").
    public let resource: String?
    /// latch's own API, normalised: the resource of a code stored before revision 2 without one.
    public let own: String
}

/// The `authorization_codes` table: issuing codes at consent and redeeming them, once,
/// at the token endpoint.
public struct AuthorizationCodeStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Stores a new code; the returned credential's `value` goes only into the redirect.
    /// `state` is kept as a SHA-256 digest, for audit. The same statement records the consent
    /// and the code (`consent.allowed`, then `code.issued`) in the audit trail.
    public func issue(clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool, codeChallenge: String,
                      scope: String, resource: String?, state: String?, lifetime: Int, audit: AuditSource) throws -> Credential {
        let code = Credential.mint(.authorizationCode)
        try issue(code, clientID: clientID, userID: userID, redirectURI: redirectURI, redirectURIGiven: redirectURIGiven,
                  codeChallenge: codeChallenge, scope: scope, resource: resource, state: state, lifetime: lifetime,
                  audit: audit, consent: .consentAllowed, condition: "true")
        return code
    }

    /// Remembered consent (CONTRACT "Authorization endpoint" step 5): issues the code only when
    /// the person already allowed this *verified* client at least `scopes` for `resource` (a
    /// normalised identifier) — a grant of theirs that is neither revoked nor past its end, whose
    /// resource (`ownResource` for a grant stored before revision 2 without one) is that
    /// resource, whose scopes include every one of `scopes`, and which still has a live token.
    /// Checked and issued in ONE statement, audited as `consent.remembered` and `code.issued`.
    /// nil, and nothing stored, when consent is not remembered: the person must be asked.
    public func issueIfRemembered(clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool,
                                  codeChallenge: String, scopes: [String], resource: String, ownResource: String,
                                  state: String?, lifetime: Int, audit: AuditSource) throws -> Credential? {
        let code = Credential.mint(.authorizationCode)
        let remembered: SQL = """
            EXISTS (
                SELECT 1 FROM grants g JOIN clients c ON c.client_id = g.client_id AND c.verified
                WHERE g.user_id = \(userID)::bigint AND g.client_id = \(clientID)::text
                  AND \(fragment: TokenLiveness.grant("g", user: nil))
                  AND coalesce(g.resource, \(ownResource)::text) = \(resource)::text
                  AND string_to_array(g.scope, ' ') @> \(TextArray(scopes))::text[]
                  AND EXISTS (SELECT 1 FROM tokens t
                              WHERE t.grant_id = g.id AND \(fragment: TokenLiveness.token("t"))))
            """
        let issued = try issue(code, clientID: clientID, userID: userID, redirectURI: redirectURI, redirectURIGiven: redirectURIGiven,
                               codeChallenge: codeChallenge, scope: ScopeSet.format(scopes), resource: resource, state: state,
                               lifetime: lifetime, audit: audit, consent: .consentRemembered, condition: remembered)
        return issued ? code : nil
    }

    /// The one INSERT of a code, when `condition` holds, with its two audit rows; whether a
    /// code was stored.
    @discardableResult
    private func issue(_ code: Credential, clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool,
                       codeChallenge: String, scope: String, resource: String?, state: String?, lifetime: Int,
                       audit: AuditSource, consent: AuditEvent, condition: SQL) throws -> Bool {
        !(try database.query("""
            WITH issued AS (
                INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given,
                                                 code_challenge, scope, resource, state_hash, expires_at)
                SELECT \(code.id)::text, \(code.secretHash)::bytea, \(clientID)::text, \(userID)::bigint, \(redirectURI)::text,
                       \(redirectURIGiven)::boolean, \(codeChallenge)::text, \(scope)::text, \(resource)::text,
                       \(state.map { Digest.sha256($0) })::bytea,
                       now() + make_interval(secs => \(lifetime))
                WHERE \(fragment: condition)
                RETURNING id, client_id, user_id, scope
            )
            INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
            SELECT e.event, \(audit.actor)::text, i.user_id, i.client_id, \(audit.address)::text, e.detail
            FROM issued i
            CROSS JOIN LATERAL (VALUES
                (1, \(consent.rawValue)::text, jsonb_build_object('scope', i.scope)),
                (2, \(AuditEvent.codeIssued.rawValue)::text, jsonb_build_object('code_id', i.id, 'scope', i.scope))
            ) AS e (n, event, detail)
            ORDER BY e.n
            RETURNING 1 AS written
            """).isEmpty)
    }

    public func find(id: String) throws -> AuthorizationCode? {
        guard let row = try database.query("""
            SELECT c.id, c.secret_hash, c.client_id, c.user_id, c.redirect_uri, c.redirect_uri_given, c.code_challenge,
                   c.scope, c.resource, c.redeemed_at IS NOT NULL AS redeemed, c.expires_at <= now() AS expired,
                   u.disabled_at IS NOT NULL AS user_disabled
            FROM authorization_codes c JOIN users u ON u.id = c.user_id
            WHERE c.id = \(id)
            """).first else { return nil }
        return AuthorizationCode(
            id: try row.string("id"), secretHash: try row.bytes("secret_hash"), clientID: try row.string("client_id"),
            userID: try row.int("user_id"), redirectURI: try row.string("redirect_uri"),
            redirectURIGiven: try row.bool("redirect_uri_given"), codeChallenge: try row.string("code_challenge"),
            scope: try row.string("scope"), resource: row.optionalString("resource"), isRedeemed: try row.bool("redeemed"),
            isExpired: try row.bool("expired"), isUserDisabled: try row.bool("user_disabled"))
    }

    /// Redeems the code and issues its tokens in ONE statement: the code is taken only while
    /// unredeemed, unexpired and of an enabled user, when `presented` is its secret (matched as
    /// `secret_hash = SHA-256(secret)`, a digest the caller cannot steer, as refresh tokens
    /// are), it was issued to the client `proof` proves, and the request repeats it as `CodeRedemption` says. A row lock
    /// makes concurrent redemptions queue, and each later one re-reads `redeemed_at` and takes
    /// nothing. The grant, the tokens (a refresh token when the client may use that grant) and
    /// the audit row (`code.redeemed`) are inserted only from the taken row. nil, and nothing
    /// changed, when the code was not taken.
    ///
    /// The grant ends `grantLifetime` seconds from now (`LATCH_GRANT_MAX_LIFETIME`), or with its
    /// access token when it gets no refresh token; no token of it outlives it.
    public func redeem(_ presented: Credential, _ redemption: CodeRedemption, by proof: ClientProof, accessLifetime: Int,
                       refreshLifetime: Int, grantLifetime: Int, audit: AuditSource) throws -> IssuedTokens? {
        let access = Credential.mint(.accessToken)
        let refresh = Credential.mint(.refreshToken)
        guard let row = try database.query(AuthorizationCodeStore.redemptionStatement(
            presented, redemption, by: proof, grantID: TokenStore.newGrantID(), access: access, refresh: refresh,
            accessLifetime: accessLifetime, refreshLifetime: refreshLifetime, grantLifetime: grantLifetime,
            audit: audit)).first else { return nil }
        return IssuedTokens(accessToken: access, refreshToken: try row.bool("with_refresh") ? refresh : nil,
                            expiresIn: try row.int("expires_in"), scope: try row.string("scope"))
    }

    /// The statement `redeem` sends (and the bench runs, `BenchScripts`).
    static func redemptionStatement(_ presented: Credential, _ redemption: CodeRedemption, by proof: ClientProof,
                                    grantID: String, access: Credential, refresh: Credential, accessLifetime: Int,
                                    refreshLifetime: Int, grantLifetime: Int, audit: AuditSource) -> SQL {
        """
            WITH \(fragment: ClientStore.clientCTEs(proof, grantType: "authorization_code")), taken AS (
                UPDATE authorization_codes code SET redeemed_at = now(), grant_id = \(grantID)
                FROM client c, users u
                WHERE code.id = \(presented.id) AND code.secret_hash = \(presented.secretHash)
                  AND code.client_id = c.client_id AND code.redeemed_at IS NULL AND code.expires_at > now()
                  AND u.id = code.user_id AND u.disabled_at IS NULL
                  AND code.code_challenge = \(redemption.codeChallenge)
                  AND CASE WHEN code.redirect_uri_given OR \(redemption.redirectURI)::text IS NOT NULL
                           THEN code.redirect_uri = \(redemption.redirectURI)::text ELSE true END
                  AND (\(redemption.resource)::text IS NULL OR coalesce(code.resource, \(redemption.own)::text) = \(redemption.resource)::text)
                  AND (c.verified OR \(fragment: TokenStore.onlyOpenScopes("code.scope")))
                RETURNING code.id AS code_id, code.client_id, code.user_id, code.scope,
                          coalesce(code.resource, \(redemption.own)::text) AS resource,
                          'refresh_token' = ANY (c.grant_types) AS with_refresh
            ), made AS (
                INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at, expires_at)
                SELECT \(grantID), client_id, user_id, scope, resource, now(),
                       now() + make_interval(secs => CASE WHEN with_refresh THEN \(grantLifetime)::int
                                                          ELSE least(\(accessLifetime)::int, \(grantLifetime)::int) END)
                FROM taken
                RETURNING id, client_id, user_id, scope, resource, expires_at
            ), refresh AS (
                INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
                SELECT \(refresh.id), 'refresh', \(refresh.secretHash), m.id, m.client_id, m.user_id, m.scope, m.resource,
                       least(now() + make_interval(secs => \(refreshLifetime)), m.expires_at)
                FROM made m, taken t WHERE t.with_refresh
            ), \(fragment: IssuingStatement.recorded(after: "made")), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT \(AuditEvent.codeRedeemed.rawValue)::text, \(audit.actor)::text, m.user_id, m.client_id,
                       \(audit.address)::text, jsonb_build_object('code_id', t.code_id, 'grant_id', m.id, 'scope', m.scope)
                FROM made m, taken t
            )
            INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
            SELECT \(access.id), 'access', \(access.secretHash), m.id, m.client_id, m.user_id, m.scope, m.resource,
                   CASE WHEN t.with_refresh THEN \(refresh.id) END,
                   least(now() + make_interval(secs => \(accessLifetime)), m.expires_at)
            FROM made m, taken t
            RETURNING scope, refresh_token_id IS NOT NULL AS with_refresh, \(fragment: IssuingStatement.secondsLeft("expires_at"))
            """
    }

    /// Marks a live code used without issuing anything (a failed redemption burns the code,
    /// so a PKCE verifier cannot be guessed over several tries), and records the refused
    /// attempt (`code.rejected`, with the refusal's error code and description) in the same statement.
    public func burn(_ code: AuthorizationCode, refusal: OAuthError, audit: AuditSource) throws {
        try database.query("""
            WITH burnt AS (
                UPDATE authorization_codes SET redeemed_at = now() WHERE id = \(code.id) AND redeemed_at IS NULL
            )
            INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
            VALUES (\(AuditEvent.codeRejected.rawValue), \(audit.actor), \(code.userID), \(code.clientID), \(audit.address),
                    jsonb_build_object('code_id', \(code.id)::text, 'error', \(refusal.code.rawValue)::text,
                                       'reason', \(AuditLog.cleanText(refusal.description))::text))
            """)
    }

    /// A redeemed code came back: revoke the grant it produced, and with it every token issued
    /// from it (RFC 6749 §4.1.2, RFC 9700 §4.5). One statement that also records the replay
    /// (`code.replayed`) and, when it revoked the grant now, `grant.revoked`.
    /// Returns whether a grant was revoked.
    @discardableResult
    public func revokeGrantOfReplayedCode(id: String, audit: AuditSource) throws -> Bool {
        try database.query("""
            WITH code AS (
                SELECT id, client_id, user_id, grant_id FROM authorization_codes WHERE id = \(id) AND redeemed_at IS NOT NULL
            ), \(fragment: GrantStore.revoking(from: "code c", where: "g.id = c.grant_id", reason: "code_replay")), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT e.event, \(audit.actor)::text, c.user_id, c.client_id, \(audit.address)::text, e.detail
                FROM code c
                CROSS JOIN LATERAL (VALUES
                    (1, \(AuditEvent.codeReplayed.rawValue)::text,
                     jsonb_strip_nulls(jsonb_build_object('code_id', c.id, 'grant_id', c.grant_id))),
                    (2, \(AuditEvent.grantRevoked.rawValue)::text,
                     jsonb_build_object('grant_id', c.grant_id, 'reason', 'code_replay'))
                ) AS e (n, event, detail)
                WHERE e.n = 1 OR EXISTS (SELECT 1 FROM revoked)
                ORDER BY e.n
            )
            SELECT EXISTS (SELECT 1 FROM revoked) AS revoked
            """)[0].bool("revoked")
    }
}
