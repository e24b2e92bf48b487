/// `grant_type=client_credentials` (RFC 6749 §4.4, OAuth 2.1 §4.2): a token for the client
/// itself — a grant with no user, one access token, no refresh token (§4.4.3: "A refresh
/// token SHOULD NOT be included").
///
/// > The client credentials grant type MUST only be used by confidential clients. (§4.4)
///
/// A public client is refused with `unauthorized_client` ("the authenticated client is not
/// authorized to use this authorization grant type", §5.2), not `invalid_client`: the request
/// identified the client correctly by its registered method (`none`) and `invalid_client`'s
/// 401 would ask it to retry with credentials it can never have. The dispatcher gives the same
/// answer to any client whose registration lacks the grant; this check keeps the rule even if a
/// public client's registration somehow lists it.
enum ClientCredentialsGrant {
    static func issue(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        let client = request.client.client
        guard !client.isPublic, request.client.method != "none" else {
            throw OAuthError(.unauthorizedClient, "client_credentials is only for confidential clients")
        }
        let requested = try request.parameters.single("scope")
        let candidates = try ScopeSet.candidates(requested: requested, clientScopes: client.scope)
        let resource = try request.parameters.single("resource")
        if let resource, !RedirectURI.isAbsoluteWithoutFragment(resource) {
            throw OAuthError(.invalidTarget, "resource must be an absolute URI without a fragment")
        }
        // Which candidates the deployment defines is read by the issuing statement itself.
        if let issued = try TokenStore(database: context.database).issueForClient(
            client.clientID, candidates: candidates, allDefined: requested != nil, audience: resource,
            accessLifetime: context.configuration.accessTokenLifetime, audit: request.auditSource) {
            return issued
        }
        // A requested scope is not defined: name it.
        _ = try ScopeSet.resolve(requested: requested, clientScopes: client.scope, defined: try ScopeStore(database: context.database).names())
        throw OAuthError.invalidScope("a requested scope is not defined")
    }
}
