/// What a token request repeats and proves about its code (RFC 6749 §4.1.3, RFC 7636 §4.6,
/// RFC 8707 §2.2).
public struct CodeRedemption: Sendable {
    /// `BASE64URL(SHA256(code_verifier))`: what the stored challenge must be.
    public let codeChallenge: String
    /// The request's redirect_uri: required and identical when the authorize request carried
    /// one; when it did not, one sent anyway must still be the one the code went to.
    public let redirectURI: String?
    /// The request's resource, normalised: nil, or the one the code is for (README "Token lifecycle": "resource (optional; equal to the code's)").
    public let resource: String?
    /// latch's own API, normalised: the resource of a code stored before revision 2 without one.
    public let own: String
}

/// Why a code presented at the token endpoint was not redeemed (`AuthorizationCodeStore.explain`),
/// in the order the rules are checked.
public enum CodeRefusal: Sendable, Equatable {
    /// No such code, or not its secret: nothing changes, no audit row (the presenter never held it).
    case unknown
    /// Already redeemed: a replay; the grant it produced is revoked.
    case replayed
    /// Expired, or of a disabled account: refused and recorded, not burnt.
    case expired, userDisabled
    /// The rest burn the code (a verifier cannot be guessed over several tries).
    case otherClient, verifierMissing, verifierMismatch, redirectMismatch, resourceMismatch
    /// The client is unverified (any more) and the code holds `scope`, which is not open.
    case scopeNotOpen(String)
    /// Every rule holds, yet the redemption took nothing: a concurrent one won the race.
    case raced

    /// Its name in the explaining statement.
    var name: String {
        switch self {
        case .unknown: return "unknown"
        case .replayed: return "replayed"
        case .expired: return "expired"
        case .userDisabled: return "user_disabled"
        case .otherClient: return "other_client"
        case .verifierMissing: return "verifier_missing"
        case .verifierMismatch: return "verifier_mismatch"
        case .redirectMismatch: return "redirect_mismatch"
        case .resourceMismatch: return "resource_mismatch"
        case .scopeNotOpen: return "scope_not_open"
        case .raced: return "raced"
        }
    }

    /// The refusals recorded as `code.rejected`.
    static let recorded: [CodeRefusal] = [.expired, .userDisabled] + burning
    /// The refusals that burn the code.
    static let burning: [CodeRefusal] = [.otherClient, .verifierMissing, .verifierMismatch, .redirectMismatch,
                                         .resourceMismatch, .scopeNotOpen("")]

    /// Where a `scopeNotOpen` description names the scope (see `explain`).
    public static let scopePlaceholder = "{scope}"
}

/// What a token request presented about its code, for `AuthorizationCodeStore.explain`.
public struct CodePresentation: Sendable {
    public let code: Credential
    /// The authenticated client presenting it, and whether an admin verified it.
    public let clientID: String
    public let clientVerified: Bool
    /// Whether a `code_verifier` was sent, and `BASE64URL(SHA256(verifier))` when it is well formed.
    public let verifierGiven: Bool
    public let codeChallenge: String?
    /// The request's redirect_uri, as sent.
    public let redirectURI: String?
    /// Whether a resource was named, and its normal form (nil when it has none).
    public let resourceGiven: Bool
    public let resource: String?
    /// latch's own API, normalised: the resource of a code stored before revision 2 without one.
    public let own: String

    public init(code: Credential, clientID: String, clientVerified: Bool, verifierGiven: Bool, codeChallenge: String?,
                redirectURI: String?, resourceGiven: Bool, resource: String?, own: String) {
        self.code = code
        self.clientID = clientID
        self.clientVerified = clientVerified
        self.verifierGiven = verifierGiven
        self.codeChallenge = codeChallenge
        self.redirectURI = redirectURI
        self.resourceGiven = resourceGiven
        self.resource = resource
        self.own = own
    }
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
                      scope: String, resource: String?, state: String?, nonce: String? = nil, authTime: Int? = nil,
                      lifetime: Int, audit: AuditSource) throws -> Credential {
        let code = Credential.mint(.authorizationCode)
        try issue(code, clientID: clientID, userID: userID, redirectURI: redirectURI, redirectURIGiven: redirectURIGiven,
                  codeChallenge: codeChallenge, scope: scope, resource: resource, state: state, nonce: nonce, authTime: authTime,
                  lifetime: lifetime, audit: audit, consent: .consentAllowed, condition: "true")
        return code
    }

    /// Remembered consent (README "The authorization endpoint" step 5): issues the code only when
    /// the person already allowed this *verified* client at least `scopes` for `resource` (a
    /// normalised identifier) — a grant of theirs that is neither revoked nor past its end, whose
    /// resource (`ownResource` for a grant stored before revision 2 without one) is that
    /// resource, whose scopes include every one of `scopes`, and which still has a live token.
    /// Checked and issued in ONE statement, audited as `consent.remembered` and `code.issued`.
    /// nil, and nothing stored, when consent is not remembered: the person must be asked.
    public func issueIfRemembered(clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool,
                                  codeChallenge: String, scopes: [String], resource: String, ownResource: String,
                                  state: String?, nonce: String? = nil, authTime: Int? = nil, lifetime: Int,
                                  audit: AuditSource) throws -> Credential? {
        let code = Credential.mint(.authorizationCode)
        let remembered: SQL = """
            EXISTS (
                SELECT 1 FROM grants g JOIN clients c ON c.client_id = g.client_id AND c.verified
                WHERE g.user_id = \(userID)::bigint AND g.client_id = \(clientID)::text
                  AND \(fragment: TokenLiveness.grant)
                  AND (c.consent_since IS NULL OR g.created_at >= c.consent_since)
                  AND coalesce(g.resource, \(ownResource)::text) = \(resource)::text
                  AND string_to_array(g.scope, ' ') @> \(TextArray(scopes))::text[]
                  AND EXISTS (SELECT 1 FROM tokens t
                              WHERE t.grant_id = g.id AND \(fragment: TokenLiveness.token)))
            """
        let issued = try issue(code, clientID: clientID, userID: userID, redirectURI: redirectURI, redirectURIGiven: redirectURIGiven,
                               codeChallenge: codeChallenge, scope: ScopeSet.format(scopes), resource: resource, state: state,
                               nonce: nonce, authTime: authTime, lifetime: lifetime, audit: audit, consent: .consentRemembered,
                               condition: remembered)
        return issued ? code : nil
    }

    /// The one INSERT of a code, when `condition` holds, with its two audit rows; whether a
    /// code was stored.
    @discardableResult
    private func issue(_ code: Credential, clientID: String, userID: Int, redirectURI: String, redirectURIGiven: Bool,
                       codeChallenge: String, scope: String, resource: String?, state: String?, nonce: String?,
                       authTime: Int?, lifetime: Int, audit: AuditSource, consent: AuditEvent, condition: SQL) throws -> Bool {
        !(try database.query("""
            WITH issued AS (
                INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given,
                                                 code_challenge, scope, resource, state_hash, nonce, auth_time, expires_at)
                SELECT \(code.id)::text, \(code.secretHash)::bytea, \(clientID)::text, \(userID)::bigint, \(redirectURI)::text,
                       \(redirectURIGiven)::boolean, \(codeChallenge)::text, \(scope)::text, \(resource)::text,
                       \(state.map { Digest.sha256($0) })::bytea, \(nonce)::text, to_timestamp(\(authTime)::bigint),
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
                            expiresIn: try row.int("expires_in"), scope: try row.string("scope"),
                            identity: try TokenIdentity.read(row), signedAccess: try SignedAccessFacts.read(row),
                            clientUse: try ClientUse.read(row))
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
                  \(fragment: TokenStore.openScopesUnlessVerified(proof, "code.scope"))
                RETURNING code.id AS code_id, code.client_id, code.user_id, code.scope,
                          coalesce(code.resource, \(redemption.own)::text) AS resource,
                          'refresh_token' = ANY (c.grant_types) AS with_refresh,
                          now() + make_interval(secs => CASE WHEN 'refresh_token' = ANY (c.grant_types) THEN \(grantLifetime)::int
                                                             ELSE least(\(accessLifetime)::int, \(grantLifetime)::int) END) AS grant_end,
                          code.nonce, code.auth_time, \(fragment: TokenIdentity.columns(user: "u", client: "c")),
                          \(raw: ClientStore.useColumns)
            ), made AS (
                INSERT INTO grants (id, client_id, user_id, scope, resource, auth_time, last_used_at, expires_at)
                SELECT \(grantID), client_id, user_id, scope, resource, auth_time, now(), grant_end
                FROM taken
            ), issued AS (
                -- Both tokens in one INSERT (the refresh token only when the client may use it).
                INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
                SELECT n.id, n.kind, n.secret_hash, \(grantID), t.client_id, t.user_id, t.scope, t.resource, n.refresh_token_id,
                       least(now() + make_interval(secs => n.lifetime), t.grant_end)
                FROM taken t CROSS JOIN LATERAL (VALUES
                    (\(access.id)::text, 'access'::text, \(access.secretHash)::bytea,
                     CASE WHEN t.with_refresh THEN \(refresh.id)::text END, \(accessLifetime)::int),
                    (\(refresh.id)::text, 'refresh'::text, \(refresh.secretHash)::bytea, NULL::text, \(refreshLifetime)::int)
                ) AS n (id, kind, secret_hash, refresh_token_id, lifetime)
                WHERE n.kind = 'access' OR t.with_refresh
            )\(fragment: IssuingStatement.recorded(after: "taken", proof: proof)), audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT \(AuditEvent.codeRedeemed.rawValue)::text, \(audit.actor)::text, t.user_id, t.client_id,
                       \(audit.address)::text, jsonb_build_object('code_id', t.code_id, 'grant_id', \(grantID)::text, 'scope', t.scope)
                FROM taken t
            )
            SELECT t.scope, t.with_refresh,
                   \(fragment: IssuingStatement.secondsLeft(IssuingStatement.tokenEnd(lifetime: accessLifetime, grantEnd: "t.grant_end"))),
                   t.client_id, t.user_id, t.nonce,
                   extract(epoch FROM t.auth_time)::bigint AS auth_epoch, t.username, t.email, t.email_verified, t.id_token_alg,
                   \(fragment: SignedAccessFacts.audienceColumn("t.resource")), t.client_verified, t.seen_stale, t.secret_stale
            FROM taken t
            """
    }

    /// Why `presented` was not redeemed (after `redeem` took nothing), and what that refusal
    /// does, in ONE statement: the code is read by id and secret digest, and the first rule it
    /// breaks, in the order of `CodeRefusal`, decides — a replay revokes the grant the code
    /// produced (`code.replayed`, and `grant.revoked` when it revoked it now); an expired code or
    /// one of a disabled account is recorded (`code.rejected`); any other broken rule also burns
    /// the code. `describe` gives the audit row's `error` and `reason` of each recorded refusal
    /// (`CodeRefusal.scopePlaceholder` stands for the scope of `scopeNotOpen`).
    public func explain(_ presented: CodePresentation, audit: AuditSource,
                        describe: (CodeRefusal) -> (error: String, description: String)) throws -> CodeRefusal {
        let described = CodeRefusal.recorded.map { refusal in
            describe(refusal == .scopeNotOpen("") ? .scopeNotOpen(CodeRefusal.scopePlaceholder) : refusal)
        }
        let names = TextArray(CodeRefusal.recorded.map(\.name)), errors = TextArray(described.map(\.error)),
            reasons = TextArray(described.map { AuditLog.cleanText($0.description) })
        guard let row = try database.query("""
            WITH code AS (
                SELECT code.id, code.client_id, code.user_id, code.grant_id, closed.name AS closed_scope,
                       CASE WHEN code.redeemed_at IS NOT NULL THEN 'replayed'
                            WHEN code.expires_at <= now() THEN 'expired'
                            WHEN u.disabled_at IS NOT NULL THEN 'user_disabled'
                            WHEN code.client_id <> \(presented.clientID)::text THEN 'other_client'
                            WHEN NOT \(presented.verifierGiven)::boolean THEN 'verifier_missing'
                            WHEN code.code_challenge IS DISTINCT FROM \(presented.codeChallenge)::text THEN 'verifier_mismatch'
                            WHEN (code.redirect_uri_given OR \(presented.redirectURI)::text IS NOT NULL)
                                 AND code.redirect_uri IS DISTINCT FROM \(presented.redirectURI)::text THEN 'redirect_mismatch'
                            WHEN \(presented.resourceGiven)::boolean
                                 AND coalesce(code.resource, \(presented.own)::text) IS DISTINCT FROM \(presented.resource)::text
                                 THEN 'resource_mismatch'
                            WHEN NOT \(presented.clientVerified)::boolean AND closed.name IS NOT NULL THEN 'scope_not_open'
                            ELSE 'raced' END AS refusal
                FROM authorization_codes code
                JOIN users u ON u.id = code.user_id
                LEFT JOIN LATERAL (
                    SELECT w.name FROM unnest(string_to_array(code.scope, ' ')) WITH ORDINALITY AS w (name, position)
                    WHERE w.name <> '' AND NOT EXISTS (SELECT 1 FROM scopes s WHERE s.name = w.name AND s.open)
                    ORDER BY w.position LIMIT 1
                ) AS closed ON true
                WHERE code.id = \(presented.code.id) AND code.secret_hash = \(presented.code.secretHash)
            ), texts AS (
                SELECT x.refusal, x.error, replace(x.reason, \(CodeRefusal.scopePlaceholder)::text, coalesce(c.closed_scope, '')) AS reason
                FROM code c, unnest(\(names)::text[], \(errors)::text[], \(reasons)::text[]) AS x (refusal, error, reason)
            ), burnt AS (
                UPDATE authorization_codes SET redeemed_at = now()
                FROM code c
                WHERE authorization_codes.id = c.id AND authorization_codes.redeemed_at IS NULL
                  AND c.refusal = ANY (\(TextArray(CodeRefusal.burning.map(\.name)))::text[])
            ), \(fragment: GrantStore.revoking(from: "code c", where: "g.id = c.grant_id AND c.refusal = 'replayed'", reason: "code_replay")),
            audited AS (
                INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
                SELECT e.event, \(audit.actor)::text, c.user_id, c.client_id, \(audit.address)::text, e.detail
                FROM code c
                CROSS JOIN LATERAL (VALUES
                    (1, \(AuditEvent.codeReplayed.rawValue)::text, c.refusal = 'replayed',
                     jsonb_strip_nulls(jsonb_build_object('code_id', c.id, 'grant_id', c.grant_id))),
                    (2, \(AuditEvent.grantRevoked.rawValue)::text, EXISTS (SELECT 1 FROM revoked),
                     jsonb_build_object('grant_id', c.grant_id, 'reason', 'code_replay')),
                    (3, \(AuditEvent.codeRejected.rawValue)::text, EXISTS (SELECT 1 FROM texts WHERE texts.refusal = c.refusal),
                     (SELECT jsonb_build_object('code_id', c.id, 'error', t.error, 'reason', t.reason)
                      FROM texts t WHERE t.refusal = c.refusal))
                ) AS e (n, event, applies, detail)
                WHERE e.applies
                ORDER BY e.n
            )
            SELECT refusal, closed_scope FROM code
            """).first else { return .unknown }
        let name = try row.string("refusal")
        if name == "scope_not_open" { return .scopeNotOpen(try row.string("closed_scope")) }
        return ([.replayed, .expired, .userDisabled, .raced] + CodeRefusal.burning).first { $0.name == name } ?? .raced
    }
}
