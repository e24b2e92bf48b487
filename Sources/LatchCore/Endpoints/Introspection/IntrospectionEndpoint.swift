/// `POST /oauth2/introspect` (RFC 7662).
///
/// > To prevent token scanning attacks, the endpoint MUST also require some form of
/// > authorization to access this endpoint [...] The authorization server MAY also limit
/// > which tokens a protected resource may introspect. (§2.1, §4)
///
/// Who may ask: a resource server is a client, so a *verified* client that authenticates
/// with a secret (`client_secret_basic` or `client_secret_post`) may introspect access tokens
/// — whichever client they were issued to, since a resource server receives other clients'
/// tokens. An unverified client (anonymous registration, metadata document) may introspect
/// only its own tokens (README "The client trust model"): anyone else's is `{"active": false}`, decided
/// inside the one-trip statement (`TokenStore.live(_:askedBy:)`) and again on the full path.
/// A public client cannot authenticate (§4 requires authentication) and is refused with
/// `401 invalid_client`, as are bad credentials (§2.3).
///
/// What it may learn: an access token's facts; a refresh token's only when it is the caller's
/// own (no resource server ever receives a refresh token). Everything else — unknown,
/// malformed, expired, revoked, rotated, of a revoked grant or disabled user, another client's
/// refresh token — is exactly `{"active": false}` (§2.2: no hint why).
public enum IntrospectionEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/introspect", ["POST": { request, context in try introspect(request, context) }]),
    ]

    static let inactive: JSON = ["active": false]

    static func introspect(_ request: Request, _ context: Context) throws -> Response {
        let parameters = try request.formParameters()
        try parameters.requireUniqueNames()
        let presentedClient = try ClientAuthenticator.presented(request, parameters: parameters)
        let tokens = TokenStore(context)
        // One round trip: the statement that authenticates the caller also looks the token up.
        if presentedClient.secret != nil, let presented = try parameters.single("token"),
           let proof = presentedClient.proof().map(VerifiedClients.proof),
           case .answered(let token, let caller) = try tokens.live(presented, askedBy: proof) {
            VerifiedClients.used(caller, by: proof, context)
            return answer(token, caller: presentedClient.clientID, context)
        }
        // Otherwise the full path finds out what is wrong, and says so.
        let caller = try ClientAuthenticator(context).verify(presentedClient)
        VerifiedClients.remember(caller.client.clientID, verified: caller.client.verified)
        guard caller.method != "none", !caller.client.isPublic else {
            throw OAuthError.invalidClient("introspection requires a confidential client authenticating with its secret")
        }
        guard let presented = try parameters.single("token") else { throw OAuthError.invalidRequest("token is required") }
        var token = try tokens.live(presented)
        if let found = token, !caller.client.verified, found.clientID != caller.client.clientID { token = nil }
        return answer(token, caller: caller.client.clientID, context)
    }

    /// The token's description for an authenticated caller: `{"active": false}` unless it is
    /// live and an access token or the caller's own refresh token.
    static func answer(_ token: TokenInfo?, caller: String, _ context: Context) -> Response {
        var response: Response
        if let token, token.kind == .access || token.clientID == caller {
            response = .noStoreJSON(description(of: token, issuer: context.configuration.issuer,
                                                 own: context.configuration.ownResource))
        } else {
            response = .noStoreJSON(inactive)
        }
        response.logClientID = caller
        return response
    }

    /// The RFC 7662 §2.2 members of an active token. `aud` is the one resource the token is for
    /// (README "Scopes and resources"; `own`, latch's own API, for a token stored without one), so a
    /// resource server can refuse a token meant for another (RFC 9700 §2.3).
    static func description(of token: TokenInfo, issuer: String, own: String) -> JSON {
        var fields: [(String, JSON)] = [
            ("active", true),
            ("scope", .string(token.scope)),
            ("client_id", .string(token.clientID)),
        ]
        if let username = token.username { fields.append(("username", .string(username))) }
        // sub: the user the token acts for; a client_credentials token acts for the client.
        fields.append(("sub", .string(token.userID.map { String($0) } ?? token.clientID)))
        fields.append(("aud", .string(token.audience(own: own))))
        fields.append(("iss", .string(issuer)))
        fields.append(("exp", .integer(token.expiresAt)))
        fields.append(("iat", .integer(token.issuedAt)))
        fields.append(("token_type", .string(token.kind == .access ? "Bearer" : "refresh_token")))
        return .object(fields)
    }
}
