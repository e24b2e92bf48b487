/// `GET|POST /oauth2/userinfo` (OpenID Connect Core §5.3; README "OpenID Connect"): `sub` and
/// the claims of the token's scopes (`UserClaims`), for a live access token holding `openid`.
/// The token only in the `Authorization` header, as everywhere in latch (RFC 6750 §2.1; OAuth
/// 2.1); errors as the gate's: `401 invalid_token` with the RFC 6750 challenge, `403
/// insufficient_scope` without `openid` or for a token that acts for no person. Any audience:
/// userinfo belongs to the provider that issued the token, whatever resource it was for.
/// One statement (`TokenStore.liveWithEmail`), never cached; read from the standby when there
/// is one (`LATCH_READ_DATABASE_URL`), like the gate.
enum UserInfoEndpoint {
    static let routes: [Route] = [
        Route("/oauth2/userinfo", ["GET": { request, context in try userInfo(request, context) },
                                   "POST": { request, context in try userInfo(request, context) }]),
    ]

    static func userInfo(_ request: Request, _ context: Context) throws -> Response {
        if request.queryCarriesAccessToken {
            throw OAuthError.invalidRequest("access tokens are never accepted as parameters")
        }
        if request.method == "POST", !request.body.isEmpty {
            let parameters = try request.formParameters()
            if parameters.contains("access_token") { throw OAuthError.invalidRequest("access tokens are never accepted as parameters") }
        }
        guard let presented = request.bearerToken else { throw challenge(nil) }
        guard let (token, email, emailVerified) = try context.reading({ try TokenStore(context, reading: $0).liveWithEmail(presented) }) else {
            throw challenge(.invalidToken)
        }
        let scopes = ScopeSet.parse(token.scope) ?? []
        guard scopes.contains("openid") else { throw challenge(.insufficientScope, "the access token was not granted openid") }
        guard let userID = token.userID, let username = token.username else {
            throw challenge(.insufficientScope, "this token does not act for a person")
        }
        let identity = TokenIdentity(userID: userID, username: username, email: email, emailVerified: emailVerified,
                                     clientID: token.clientID, nonce: nil, authTime: nil, algorithm: .rs256)
        var response = Response.noStoreJSON(.object([("sub", .string(String(userID)))] + UserClaims.claims(identity, scopes: scopes)))
        response.logClientID = token.clientID
        return response
    }

    /// The RFC 6750 §3 refusal: `WWW-Authenticate: Bearer` with the error when a token was sent.
    static func challenge(_ code: OAuthError.Code?, _ description: String = "the access token is invalid, expired or revoked") -> OAuthError {
        guard let code else {
            return OAuthError(.invalidRequest, "a bearer token is required", status: 401, headers: [("WWW-Authenticate", "Bearer")])
        }
        let status = code == .insufficientScope ? 403 : 401
        return OAuthError(code, description, status: status,
                          headers: [("WWW-Authenticate", "Bearer error=\"\(code.rawValue)\", error_description=\"\(description)\"")])
    }
}
