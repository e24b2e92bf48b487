/// What a live access or refresh token stands for.
public struct TokenInfo: Sendable, Equatable {
    public enum Kind: String, Sendable { case access, refresh }

    public let id: String
    public let kind: Kind
    public let grantID: String
    public let clientID: String
    public let userID: Int?
    public let username: String?
    public let scope: String
    /// The resource the token is for (normalised); nil only for a token stored before revision 2,
    /// meaning latch's own API (`audience(own:)`).
    public let audience: String?
    /// Whether the token's client is verified (`X-Latch-Client-Verified`), read by the same lookup.
    public let clientVerified: Bool
    public let issuedAt: Int
    public let expiresAt: Int

    /// The token's audience, `own` (latch's own API) for a token stored without one.
    public func audience(own: String) -> String { audience ?? own }

    /// Whether the token is for `resource` (both in normal form): byte for byte.
    public func isFor(_ resource: String, own: String) -> Bool { audience(own: own).utf8.elementsEqual(resource.utf8) }
}

/// Tokens handed to a client by the token endpoint.
public struct IssuedTokens: Sendable {
    public let accessToken: Credential
    public let refreshToken: Credential?
    public let expiresIn: Int
    public let scope: String
    /// Who the tokens are for, when `openid` was granted: what the ID token says (README
    /// "OpenID Connect"); nil otherwise.
    public var identity: TokenIdentity? = nil
    /// The signed ID token (`TokenEndpoint` adds it after the statement).
    public var idToken: String? = nil
    /// What a JWT access token says, when the audience wants one (README "JWT access tokens");
    /// nil for an opaque access token.
    public var signedAccess: SignedAccessFacts? = nil
    /// The signed JWT access token (`TokenEndpoint` adds it after the statement).
    public var signedAccessToken: String? = nil
    /// What the one-trip statement read about its client (`ClientUse`); nil from the full path.
    public var clientUse: ClientUse? = nil

    /// The access token the client receives: the JWT when there is one, else the opaque value.
    public var accessTokenValue: String { signedAccessToken ?? accessToken.value }
}

/// The `tokens` table: issuing and checking access and refresh tokens.
public struct TokenStore {
    let database: Database
    /// Where JWT access tokens are verified (the worker's key ring and the issuer); without it
    /// only opaque tokens are recognised.
    var signatures: Context? = nil

    public init(database: Database) { self.database = database }

    /// A store that also recognises latch's JWT access tokens (`JWTAccessToken`).
    public init(_ context: Context) {
        database = context.database
        signatures = context
    }

    /// The same, reading from `database` (the standby of `Context.reading`, for the read-only
    /// lookups of the gate and userinfo).
    public init(_ context: Context, reading database: Database) {
        self.database = database
        signatures = context
    }

    /// The live token `presented` stands for, else nil. One indexed lookup: a token is live when
    /// it is not expired, not revoked, not rotated away, its grant is neither revoked nor past
    /// its end (`LATCH_GRANT_MAX_LIFETIME`) and its user not disabled — even if the row still exists. The secret is compared in constant time.
    public func live(_ presented: String) throws -> TokenInfo? {
        guard let credential = try self.presented(presented),
              let row = try database.query(TokenStore.liveLookup(credential)).first else { return nil }
        return try TokenStore.liveToken(credential, row)
    }

    /// The live token `presented` stands for, looked up in the statement that authenticates
    /// the client asking (`proof`, `ClientStore.clientCTEs`): one round trip. An unverified
    /// client sees only its own tokens (README "Token lifecycle"): another client's
    /// token is nil to it, decided in the same statement. With a `verifiedOnly` proof (a caller
    /// this worker saw verified, `VerifiedClients`) the statement carries no write at all, and
    /// answers only for a client still verified. `.unanswered` when the client is not
    /// authenticated, or the token is not even shaped like one (then the caller finds out on
    /// its own).
    public func live(_ presented: String, askedBy proof: ClientProof) throws -> ClientLookup {
        guard let credential = try self.presented(presented) else { return .unanswered }
        let rows = try database.query(TokenStore.lookupStatement(credential, askedBy: proof))
        guard let row = rows.first else { return .unanswered }
        let caller = ClientUse(verified: try row.bool("caller_verified"), seenStale: false,
                               secretStale: try row.bool("caller_secret_stale"))
        return .answered(row.isNull("secret_hash") ? nil : try TokenStore.liveToken(credential, row), caller: caller)
    }

    /// The statement of `live(_:askedBy:)` (and of the bench's introspection, `BenchScripts`).
    static func lookupStatement(_ credential: PresentedToken, askedBy proof: ClientProof) -> SQL {
        """
        WITH \(fragment: ClientStore.clientCTEs(proof, grantType: nil))
        SELECT live.*, client.verified AS caller_verified, client.secret_stale AS caller_secret_stale
        FROM client LEFT JOIN LATERAL (\(fragment: TokenStore.liveLookup(credential, clientVerified: false))) AS live
            ON client.verified OR live.client_id = client.client_id
        """
    }

    /// A token lookup on behalf of a client the same statement authenticates.
    public enum ClientLookup {
        /// The client is authenticated; the live token, or nil; and what the statement read
        /// about the caller (whether it is verified, whether its secret's mark is due: a
        /// `verifiedOnly` proof's statement leaves that mark to its caller, `ClientUse`).
        case answered(TokenInfo?, caller: ClientUse)
        case unanswered
    }

    /// A presented access or refresh token, parsed; nil when it is neither.
    static func credential(_ presented: String) -> Credential? {
        switch Credential.kind(of: presented) {
        case .accessToken?: return Credential.parse(presented, as: .accessToken)
        case .refreshToken?: return Credential.parse(presented, as: .refreshToken)
        default: return nil
        }
    }

    /// A presented token, parsed: an opaque access or refresh token, or — with `signatures` — a
    /// JWT access token whose signature and claims verify (`JWTAccessToken.verifiedID`); nil
    /// otherwise.
    func presented(_ presented: String) throws -> PresentedToken? {
        if let credential = TokenStore.credential(presented) { return PresentedToken(credential: credential, bySignature: false) }
        guard let context = signatures, let jti = try JWTAccessToken.verifiedID(presented, context) else { return nil }
        return PresentedToken(credential: Credential(kind: .accessToken, id: jti, secret: ""), bySignature: true)
    }

    /// The token's row when it is live. With `clientVerified` it also reads whether its client is
    /// verified (the gate's `X-Latch-Client-Verified`); introspection, which does not answer it,
    /// spares that look into `clients` (`false` stands in).
    static func liveLookup(_ presented: PresentedToken, clientVerified: Bool = true) -> SQL {
        let credential = presented.credential
        return """
        SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
               \(raw: clientVerified ? "c.verified" : "false") AS client_verified,
               extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
        FROM tokens t
        JOIN grants g ON g.id = t.grant_id
        \(raw: clientVerified ? "JOIN clients c ON c.client_id = t.client_id" : "")
        LEFT JOIN users u ON u.id = t.user_id
        WHERE t.id = \(credential.id) AND t.kind = \(credential.kind == .accessToken ? "access" : "refresh")
          AND \(fragment: TokenLiveness.all)
        """
    }

    /// The token of a `liveLookup` row, when `credential`'s secret matches it.
    static func liveToken(_ presented: PresentedToken, _ row: Row) throws -> TokenInfo? {
        guard presented.matches(storedHash: try row.bytes("secret_hash")) else { return nil }
        let credential = presented.credential
        return TokenInfo(id: credential.id, kind: credential.kind == .accessToken ? .access : .refresh,
                         grantID: try row.string("grant_id"), clientID: try row.string("client_id"),
                         userID: row.optionalInt("user_id"), username: row.optionalString("username"),
                         scope: try row.string("scope"), audience: row.optionalString("audience"),
                         clientVerified: try row.bool("client_verified"),
                         issuedAt: try row.int("iat"), expiresAt: try row.int("exp"))
    }

    /// A new grant id (not a secret).
    public static func newGrantID() -> String { "g_" + SecureRandom.hex(12) }
}

/// A presented access or refresh token, parsed: an opaque credential, whose secret must match
/// the stored hash, or a JWT access token whose signature latch verified (`JWTAccessToken`):
/// its `jti` is the stored row's id, and there is no secret to compare.
struct PresentedToken {
    let credential: Credential
    let bySignature: Bool

    /// An opaque credential's presentation.
    init(_ credential: Credential) { self.init(credential: credential, bySignature: false) }

    init(credential: Credential, bySignature: Bool) {
        self.credential = credential
        self.bySignature = bySignature
    }

    /// Whether the stored row is this token's: the signature proved it already, or the secret
    /// matches the stored hash (in constant time).
    func matches(storedHash: [UInt8]) -> Bool { bySignature || credential.matches(storedHash: storedHash) }
}
