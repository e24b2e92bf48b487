/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2; CONTRACT
/// "Token endpoint").
///
/// What happens where:
/// - `act`, one round trip: the statement that takes the code and creates the grant and its
///   tokens (`AuthorizationCodeStore.redeem`) also authenticates the client and checks the
///   code's secret (as a SHA-256 digest), the PKCE challenge of the verifier, redirect_uri and
///   resource; of N concurrent redemptions exactly one takes the code.
/// - `explain`, when it took nothing: finds out why from the code read on its own (the code's
///   secret and the verifier are compared in constant time in Swift), and the refusal acts as
///   below in one statement. A code that passes every check there was taken by a concurrent
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

    func explain(_ asked: Exchange, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens {
        let codes = AuthorizationCodeStore(database: context.database)
        guard let code = try codes.find(id: asked.code.id), asked.code.matches(storedHash: code.secretHash) else {
            throw OAuthError.invalidGrant("the authorization code is invalid")
        }
        if code.isRedeemed {
            try codes.revokeGrantOfReplayedCode(id: code.id, audit: audit)
            throw OAuthError.invalidGrant("the authorization code was already used; the tokens issued from it are revoked")
        }
        if let refusal = code.isExpired ? OAuthError.invalidGrant("the authorization code has expired")
                       : code.isUserDisabled ? OAuthError.invalidGrant("the account that authorized this code is disabled") : nil {
            try AuditLog(database: context.database).record(.codeRejected, by: audit, userID: code.userID, clientID: code.clientID,
                                                            detail: ["code_id": .string(code.id), "error": .string(refusal.code.rawValue),
                                                                     "reason": .string(refusal.description)])
            throw refusal
        }
        do {
            try AuthorizationCodeGrant.check(code, against: asked.parameters, client: client.client,
                                             own: context.configuration.ownResource)
            try AuthorizationCodeGrant.checkStillAllowed(code, client: client.client, database: context.database)
        } catch {
            try codes.burn(code, refusal: error as? OAuthError ?? OAuthError.invalidRequest("the request is malformed"), audit: audit)
            throw error
        }
        // Every check holds, yet the statement took nothing: a concurrent redemption of the
        // same code won the race, so this one is a replay too.
        try codes.revokeGrantOfReplayedCode(id: code.id, audit: audit)
        throw OAuthError.invalidGrant("the authorization code was already used; the tokens issued from it are revoked")
    }

    /// An admin may un-verify a client between consent and redemption: an unverified client
    /// receives no scope that is not open (CONTRACT "Clients and trust"), so such a code is
    /// refused (and burnt) instead of redeemed. The one-trip statement holds the same rule.
    static func checkStillAllowed(_ code: AuthorizationCode, client: Client, database: Database) throws {
        guard !client.verified else { return }
        let open = Set(try ScopeStore(database: database).all().filter(\.open).map(\.name))
        if let closed = code.scope.split(separator: " ").map(String.init).first(where: { !open.contains($0) }) {
            throw OAuthError.invalidGrant("this app is not verified (any more): scope '\(closed)' is granted only to apps an admin verified")
        }
    }

    /// Everything the token request must repeat or prove about the code.
    static func check(_ code: AuthorizationCode, against parameters: Parameters, client: Client, own: String) throws {
        guard code.clientID == client.clientID else {
            throw OAuthError.invalidGrant("the authorization code was issued to another client")
        }
        guard let verifier = try parameters.single("code_verifier") else {
            throw OAuthError.invalidGrant("code_verifier is required (PKCE)")
        }
        guard PKCE.verify(verifier, challenge: code.codeChallenge) else {
            throw OAuthError.invalidGrant("code_verifier does not match the code_challenge")
        }
        // RFC 6749 §4.1.3: required and identical when the authorize request carried it; when it
        // did not, a redirect_uri sent anyway must still be the one the code went to. Byte for
        // byte, as the one-trip statement compares it (never Swift's canonical-equivalence `==`).
        let redirectURI = try parameters.single("redirect_uri")
        if code.redirectURIGiven || redirectURI != nil {
            guard let redirectURI, RedirectURI.identical(redirectURI, code.redirectURI) else {
                throw OAuthError.invalidGrant("redirect_uri does not match the authorization request")
            }
        }
        // RFC 8707 §2.2: a resource named here must be the code's (compared in normal form, byte
        // for byte); naming none is fine, the tokens are for the code's.
        if let requested = try parameters.single("resource") {
            guard let normal = ResourceIdentifier.normalized(requested),
                  normal.utf8.elementsEqual((code.resource ?? own).utf8) else {
                throw OAuthError(.invalidTarget, "resource must be the one the authorization request was for")
            }
        }
    }
}
