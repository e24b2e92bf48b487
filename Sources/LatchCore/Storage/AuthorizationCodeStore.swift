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

/// The `authorization_codes` table: issuing codes at consent and redeeming them, once,
/// at the token endpoint.
public struct AuthorizationCodeStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Stores a new code; the returned credential's `value` goes only into the redirect.
    /// `state` is kept as a SHA-256 digest, for audit.
    public func issue(clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool, codeChallenge: String,
                      scope: String, resource: String?, state: String?, lifetime: Int) throws -> Credential {
        let code = Credential.mint(.authorizationCode)
        try database.query("""
            INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given,
                                             code_challenge, scope, resource, state_hash, expires_at)
            VALUES (\(code.id), \(code.secretHash), \(clientID), \(userID), \(redirectURI), \(redirectURIGiven),
                    \(codeChallenge), \(scope), \(resource), \(state.map { Digest.sha256($0) }),
                    now() + make_interval(secs => \(lifetime)))
            """)
        return code
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
    /// unredeemed and unexpired (a row lock makes concurrent redemptions queue, and each later
    /// one re-reads `redeemed_at` and takes nothing), and the grant and tokens are inserted only
    /// from the taken row. nil when another redemption took it first.
    public func redeem(_ code: AuthorizationCode, withRefresh: Bool, accessLifetime: Int, refreshLifetime: Int) throws -> IssuedTokens? {
        let grantID = TokenStore.newGrantID()
        let access = Credential.mint(.accessToken)
        let refresh = withRefresh ? Credential.mint(.refreshToken) : nil
        guard let row = try database.query("""
            WITH taken AS (
                UPDATE authorization_codes SET redeemed_at = now(), grant_id = \(grantID)
                WHERE id = \(code.id) AND redeemed_at IS NULL AND expires_at > now()
                RETURNING client_id, user_id, scope, resource
            ), made AS (
                INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at)
                SELECT \(grantID), client_id, user_id, scope, resource, now() FROM taken
                RETURNING id, client_id, user_id, scope, resource
            ), refresh AS (
                INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
                SELECT \(refresh?.id), 'refresh', \(refresh?.secretHash ?? []), id, client_id, user_id, scope, resource,
                       now() + make_interval(secs => \(refreshLifetime))
                FROM made WHERE \(withRefresh)
            )
            INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
            SELECT \(access.id), 'access', \(access.secretHash), id, client_id, user_id, scope, resource, \(refresh?.id),
                   now() + make_interval(secs => \(accessLifetime))
            FROM made
            RETURNING scope
            """).first else { return nil }
        return IssuedTokens(accessToken: access, refreshToken: refresh, expiresIn: accessLifetime, scope: try row.string("scope"))
    }

    /// Marks a live code used without issuing anything (a failed redemption burns the code,
    /// so a PKCE verifier cannot be guessed over several tries).
    public func burn(id: String) throws {
        try database.query("UPDATE authorization_codes SET redeemed_at = now() WHERE id = \(id) AND redeemed_at IS NULL")
    }

    /// A redeemed code came back: revoke the grant it produced, and with it every token issued
    /// from it (RFC 6749 §4.1.2, RFC 9700 §4.5). Returns whether a grant was revoked.
    @discardableResult
    public func revokeGrantOfReplayedCode(id: String) throws -> Bool {
        try !database.query("""
            UPDATE grants SET revoked_at = now(), revoked_reason = 'code_replay'
            WHERE id = (SELECT grant_id FROM authorization_codes WHERE id = \(id)) AND revoked_at IS NULL
            RETURNING id
            """).isEmpty
    }
}
