/// Bearer-token checks for latch's own API (RFC 6750; OAuth 2.1: the token only in the
/// `Authorization` header, never in a query or form parameter). A token meant for another
/// resource is refused like an invalid one (README "Scopes and resources": `/api/v2/users/me` accepts
/// latch's own only).
public enum BearerAuthentication {
    /// The live access token of the request, for latch's own API (`LATCH_RESOURCE`), or a 401
    /// carrying the RFC 9728 `WWW-Authenticate: Bearer resource_metadata=…` challenge.
    public static func require(_ request: Request, context: Context) throws -> TokenInfo {
        guard let presented = request.bearerToken else { throw challenge(context, tokenWasSent: false) }
        let own = context.configuration.ownResource
        guard let token = try TokenStore(context).live(presented), token.kind == .access,
              token.isFor(own, own: own) else {
            throw challenge(context, tokenWasSent: true)
        }
        return token
    }

    public static func challenge(_ context: Context, tokenWasSent: Bool) -> OAuthError {
        var value = "Bearer resource_metadata=\"\(context.configuration.ownResourceMetadataURL)\""
        if tokenWasSent {
            value += ", error=\"invalid_token\", error_description=\"the access token is invalid, expired, revoked or meant for another resource\""
        }
        return OAuthError(tokenWasSent ? .invalidToken : OAuthError.Code(rawValue: "invalid_request"),
                          tokenWasSent ? "the access token is invalid, expired, revoked or meant for another resource" : "a bearer token is required",
                          status: 401, headers: [("WWW-Authenticate", value)])
    }
}
