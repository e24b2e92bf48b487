/// `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 8707 §2.2; CONTRACT
/// "Token endpoint").
///
/// What happens where:
/// - First, one round trip (`exchangeAtOnce`): the statement that takes the code and creates
///   the grant and its tokens (`AuthorizationCodeStore.redeem`) also authenticates the client
///   and checks the code's secret (as a SHA-256 digest), the PKCE challenge of the verifier,
///   redirect_uri and resource; of N concurrent redemptions exactly one takes the code.
/// - When it took nothing, the full path (`exchange`) finds out why, from the code read on its
///   own: the code's secret and the verifier are compared in constant time in Swift, and the
///   refusal acts as below. A redemption that passes every check there uses the same statement.
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
enum AuthorizationCodeGrant {
    /// One round trip: the client is authenticated, and the code checked and taken, by the
    /// statement that issues the tokens.
    static func exchangeAtOnce(_ request: OneTripTokenRequest, _ context: Context) throws -> IssuedTokens? {
        let parameters = request.parameters
        guard let presented = try parameters.single("code"),
              let credential = Credential.parse(presented, as: .authorizationCode),
              let verifier = try parameters.single("code_verifier"), PKCE.isWellFormed(verifier),
              let client = ClientStore.authenticatingCTEs(request.client, grantType: "authorization_code",
                                                               unverifiedTokensPerMinute: context.configuration.unverifiedTokensPerMinute) else { return nil }
        let configuration = context.configuration
        return try AuthorizationCodeStore(database: context.database).redeem(
            credential, try redemption(parameters, verifier: verifier, own: configuration.ownResource), client: client,
            accessLifetime: configuration.accessTokenLifetime, refreshLifetime: configuration.refreshTokenLifetime,
            grantLifetime: configuration.grantMaxLifetime, audit: request.auditSource)
    }

    /// What the request repeats about its code.
    static func redemption(_ parameters: Parameters, verifier: String, own: String) throws -> CodeRedemption {
        CodeRedemption(codeChallenge: PKCE.challenge(forVerifier: verifier), redirectURI: try parameters.single("redirect_uri"),
                       resource: try AskedScopeAndResource(parameters).resource, own: own)
    }

    static func exchange(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        let codes = AuthorizationCodeStore(database: context.database)
        let presented = try request.required("code")
        guard let credential = Credential.parse(presented, as: .authorizationCode),
              let code = try codes.find(id: credential.id),
              credential.matches(storedHash: code.secretHash) else {
            throw OAuthError.invalidGrant("the authorization code is invalid")
        }
        let audit = request.auditSource
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
        let verifier: String
        do {
            verifier = try check(code, against: request, own: context.configuration.ownResource)
            try checkStillAllowed(code, client: request.client.client, database: context.database)
        } catch {
            try codes.burn(code, refusal: error as? OAuthError ?? OAuthError.invalidRequest("the request is malformed"), audit: audit)
            throw error
        }
        let configuration = context.configuration
        guard let tokens = try codes.redeem(credential, try redemption(request.parameters, verifier: verifier,
                                                                       own: configuration.ownResource),
                                            client: ClientStore.authenticatedCTE(request.client.client.clientID),
                                            accessLifetime: configuration.accessTokenLifetime,
                                            refreshLifetime: configuration.refreshTokenLifetime,
                                            grantLifetime: configuration.grantMaxLifetime, audit: audit) else {
            // Another redemption of the same code won the race: this one is a replay too.
            try codes.revokeGrantOfReplayedCode(id: code.id, audit: audit)
            throw OAuthError.invalidGrant("the authorization code was already used; the tokens issued from it are revoked")
        }
        return tokens
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

    /// Everything the token request must repeat or prove about the code; the verifier that
    /// proved it.
    static func check(_ code: AuthorizationCode, against request: TokenRequest, own: String) throws -> String {
        guard code.clientID == request.client.client.clientID else {
            throw OAuthError.invalidGrant("the authorization code was issued to another client")
        }
        guard let verifier = try request.parameters.single("code_verifier") else {
            throw OAuthError.invalidGrant("code_verifier is required (PKCE)")
        }
        guard PKCE.verify(verifier, challenge: code.codeChallenge) else {
            throw OAuthError.invalidGrant("code_verifier does not match the code_challenge")
        }
        // RFC 6749 §4.1.3: required and identical when the authorize request carried it; when it
        // did not, a redirect_uri sent anyway must still be the one the code went to. Byte for
        // byte, as the one-trip statement compares it (never Swift's canonical-equivalence `==`).
        let redirectURI = try request.parameters.single("redirect_uri")
        if code.redirectURIGiven || redirectURI != nil {
            guard let redirectURI, RedirectURI.identical(redirectURI, code.redirectURI) else {
                throw OAuthError.invalidGrant("redirect_uri does not match the authorization request")
            }
        }
        // RFC 8707 §2.2: a resource named here must be the code's (compared in normal form, byte
        // for byte); naming none is fine, the tokens are for the code's.
        if let requested = try request.parameters.single("resource") {
            guard let normal = ResourceIdentifier.normalized(requested),
                  normal.utf8.elementsEqual((code.resource ?? own).utf8) else {
                throw OAuthError(.invalidTarget, "resource must be the one the authorization request was for")
            }
        }
        return verifier
    }
}
