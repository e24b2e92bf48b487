/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2; README
/// "Token lifecycle").
///
/// What happens where:
/// - `act`, one round trip: the statement that takes the code and creates the grant and its
///   tokens (`AuthorizationCodeStore.redeem`) also authenticates the client and checks the
///   code's secret (as a SHA-256 digest), the PKCE challenge of the verifier, redirect_uri and
///   resource; of N concurrent redemptions exactly one takes the code.
/// - `explain`, when it took nothing: ONE more statement (`AuthorizationCodeStore.explain`)
///   reads the code by id and secret digest, finds the first rule the request broke (the
///   verifier compared as its S256 digest, as the redemption does), and does what the refusal
///   does, as below. A code that passes every check there was taken by a concurrent
///   redemption: a replay.
///
/// A code is a one-shot thing:
/// - presented with a wrong secret: refused, nothing changes (the presenter never held it);
/// - already redeemed: a replay; the grant it produced is revoked, with every token of it;
/// - held by someone who gets anything else wrong (client, verifier, redirect_uri, resource):
///   refused *and burnt*, so a verifier cannot be guessed over several tries.
///
/// Audit (each row in the statement of the act itself): `code.redeemed`; `code.replayed` (and
/// `grant.revoked` when that revoked the grant); `code.rejected` with the reason, also for an
/// expired code or one of a disabled account. A wrong secret leaves no row: the presenter
/// never held the code.
struct AuthorizationCodeGrant: TokenGrant {
    let grantType = "authorization_code"

    /// What the request presents and repeats about its code.
    struct Exchange {
        let code: Credential
        let parameters: Parameters
        /// What the one-trip statement compares; nil when the verifier is not even well formed
        /// (then only `explain` runs, and burns the code).
        let redemption: CodeRedemption?
    }

    func parse(_ parameters: Parameters, _ context: Context) throws -> Exchange {
        let presented = try TokenEndpoint.required("code", in: parameters)
        guard let code = Credential.parse(presented, as: .authorizationCode) else {
            throw OAuthError.invalidGrant("the authorization code is invalid")
        }
        let verifier = try parameters.single("code_verifier")
        var redemption: CodeRedemption?
        if let verifier, PKCE.isWellFormed(verifier) {
            redemption = CodeRedemption(codeChallenge: PKCE.challenge(forVerifier: verifier),
                                        redirectURI: try parameters.single("redirect_uri"),
                                        resource: try AskedScopeAndResource(parameters).resource,
                                        own: context.configuration.ownResource)
        }
        return Exchange(code: code, parameters: parameters, redemption: redemption)
    }

    func act(_ asked: Exchange, by proof: ClientProof, audit: AuditSource, _ context: Context) throws -> IssuedTokens? {
        guard let redemption = asked.redemption else { return nil }
        let configuration = context.configuration
        return try AuthorizationCodeStore(database: context.database).redeem(
            asked.code, redemption, by: proof, accessLifetime: configuration.accessTokenLifetime,
            refreshLifetime: configuration.refreshTokenLifetime, grantLifetime: configuration.grantMaxLifetime, audit: audit)
    }

    /// One statement (`AuthorizationCodeStore.explain`) reads the code and finds the first rule
    /// the request broke, and does what that refusal does; the refusal is thrown.
    func explain(_ asked: Exchange, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens {
        let parameters = asked.parameters
        let verifier = try parameters.single("code_verifier")
        let resource = try parameters.single("resource")
        let presentation = CodePresentation(
            code: asked.code, clientID: client.client.clientID, clientVerified: client.client.verified,
            verifierGiven: verifier != nil,
            codeChallenge: verifier.flatMap { PKCE.isWellFormed($0) ? PKCE.challenge(forVerifier: $0) : nil },
            redirectURI: try parameters.single("redirect_uri"), resourceGiven: resource != nil,
            resource: resource.flatMap(ResourceIdentifier.normalized), own: context.configuration.ownResource)
        let refusal = try AuthorizationCodeStore(database: context.database).explain(presentation, audit: audit) {
            let error = AuthorizationCodeGrant.error(for: $0)
            return (error.code.rawValue, error.description)
        }
        throw AuthorizationCodeGrant.error(for: refusal)
    }

    /// What the client is told, and the audit row says, for each refusal.
    ///
    /// An admin may un-verify a client between consent and redemption: an unverified client
    /// receives no scope that is not open (README "The client trust model"), so such a code is
    /// refused (and burnt) instead of redeemed (`scopeNotOpen`). The redirect_uri is compared
    /// byte for byte (RFC 6749 §4.1.3: required and identical when the authorize request carried
    /// it; when it did not, one sent anyway must still be the one the code went to); a resource
    /// named here must be the code's in normal form (RFC 8707 §2.2).
    static func error(for refusal: CodeRefusal) -> OAuthError {
        switch refusal {
        case .unknown: return .invalidGrant("the authorization code is invalid")
        case .replayed, .raced:
            return .invalidGrant("the authorization code was already used; the tokens issued from it are revoked")
        case .expired: return .invalidGrant("the authorization code has expired")
        case .userDisabled: return .invalidGrant("the account that authorized this code is disabled")
        case .otherClient: return .invalidGrant("the authorization code was issued to another client")
        case .verifierMissing: return .invalidGrant("code_verifier is required (PKCE)")
        case .verifierMismatch: return .invalidGrant("code_verifier does not match the code_challenge")
        case .redirectMismatch: return .invalidGrant("redirect_uri does not match the authorization request")
        case .resourceMismatch: return OAuthError(.invalidTarget, "resource must be the one the authorization request was for")
        case .scopeNotOpen(let scope):
            return .invalidGrant("this app is not verified (any more): scope '\(scope)' is granted only to apps an admin verified")
        }
    }
}
