/// `grant_type=refresh_token` (RFC 6749 §6, OAuth 2.1 §4.3, RFC 9700 §4.14.2): rotation with
/// reuse detection.
///
/// > The authorization server MAY issue a new refresh token, in which case the client MUST
/// > discard the old refresh token [...] The requested scope MUST NOT include any scope not
/// > originally granted by the resource owner, and if omitted is treated as equal to the scope
/// > originally granted by the resource owner. (RFC 6749 §6)
///
/// > If a refresh token is compromised and subsequently used by both the attacker and the
/// > legitimate client, one of them will present an invalidated refresh token, which will inform
/// > the authorization server of the breach. The authorization server cannot determine which
/// > party submitted the invalid refresh token, but it will revoke the active refresh token.
/// > (RFC 9700 §4.14.2)
///
/// Every success issues a new pair and retires the old one. The new refresh token keeps the
/// grant's scope (RFC 6749 §6: "identical to that of the refresh token included by the
/// client"); a `scope` parameter narrows only the new access token, and must be a subset.
/// Presenting a used refresh token revokes the whole grant — this includes a refresh token
/// sent twice at once: one request rotates it, the other is a reuse.
struct RefreshTokenGrant: TokenGrant {
    let grantType = "refresh_token"

    /// The request's refresh token, narrowed scope and resource, checked without the database.
    /// The client it names is filled in by `act` and `explain`, from the client they act for.
    func parse(_ parameters: Parameters, _ context: Context) throws -> RefreshRequest {
        let presented = try TokenEndpoint.required("refresh_token", in: parameters)
        guard let credential = Credential.parse(presented, as: .refreshToken) else {
            throw OAuthError.invalidGrant("the refresh token is invalid, expired or revoked")
        }
        let asked = try AskedScopeAndResource(parameters)
        return RefreshRequest(presented: credential, clientID: "", scope: asked.scopes.map(ScopeSet.format),
                              resource: asked.resource, own: context.configuration.ownResource)
    }

    func act(_ asked: RefreshRequest, by proof: ClientProof, audit: AuditSource, _ context: Context) throws -> IssuedTokens? {
        try TokenStore(database: context.database).rotateOnce(
            asked.by(proof.clientID), by: proof, accessLifetime: context.configuration.accessTokenLifetime,
            refreshLifetime: context.configuration.refreshTokenLifetime, audit: audit)
    }

    func explain(_ asked: RefreshRequest, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens {
        let configuration = context.configuration
        let outcome = try TokenStore(database: context.database).outcomeWithoutRotation(
            of: asked.by(client.client.clientID), accessLifetime: configuration.accessTokenLifetime,
            refreshLifetime: configuration.refreshTokenLifetime, reuseGrace: configuration.refreshReuseGrace, audit: audit)
        switch outcome {
        case .rotated(let issued):
            return issued
        case .refused(.reused):
            throw OAuthError.invalidGrant("the refresh token was already used; every token of this grant is now revoked")
        case .refused(.scopeNotGranted):
            throw OAuthError.invalidScope("the requested scope exceeds the scope originally granted")
        case .refused(.scopeNotOpen):
            throw OAuthError.invalidScope("this app is not verified: it may receive only open scopes (ask with a narrower scope)")
        case .refused(.resourceMismatch):
            throw OAuthError(.invalidTarget, "resource does not match the audience of this grant")
        case .refused(.invalid):
            throw OAuthError.invalidGrant("the refresh token is invalid, expired or revoked")
        }
    }
}
