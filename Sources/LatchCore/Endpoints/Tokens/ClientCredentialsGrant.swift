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
///
/// Only verified clients (CONTRACT revision 2): an unverified one — anonymous registration,
/// metadata document — is `unauthorized_client`, both in the one-trip statement (its `client`
/// CTE has no row for an unverified client asking for this grant) and on the full path.
///
/// Scopes follow `ScopePolicy` (an unverified client never gets a scope that is not open, even
/// with an empty registered list), and the token's audience is the request's registered
/// `resource`, else `LATCH_DEFAULT_RESOURCE` (`invalid_target` otherwise).
enum ClientCredentialsGrant {
    /// One round trip: the client is authenticated by the statement that issues the token.
    static func issueAtOnce(_ request: OneTripTokenRequest, _ context: Context) throws -> IssuedTokens? {
        guard request.client.secret != nil, let asked = try? AskedScopeAndResource(request.parameters),
              let client = ClientStore.authenticatingCTEs(request.client, grantType: "client_credentials",
                                                               unverifiedTokensPerMinute: context.configuration.unverifiedTokensPerMinute) else { return nil }
        return try issue(asked, client: client, request.auditSource, context)
    }

    static func issue(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        let client = request.client.client
        guard !client.isPublic, request.client.method != "none" else {
            throw OAuthError(.unauthorizedClient, "client_credentials is only for confidential clients")
        }
        guard client.verified else {
            throw OAuthError(.unauthorizedClient, "client_credentials is only for verified clients; ask an admin to verify this app")
        }
        let asked = try AskedScopeAndResource(request.parameters)
        // Which resources and scopes exist is read by the issuing statement itself.
        if let issued = try issue(asked, client: ClientStore.authenticatedCTE(client.clientID), request.auditSource, context) {
            return issued
        }
        // Nothing was issued: name the rule the request broke.
        let configuration = context.configuration
        let resource = try ScopePolicy.resource(named: asked.resource, store: ResourceStore(database: context.database,
                                                                                            own: configuration.ownResource),
                                                configuration: configuration)
        _ = try ScopePolicy.resolve(requested: asked.scopes.map(ScopeSet.format), client: client, resource: resource,
                                    defined: try ScopeStore(database: context.database).all())
        throw OAuthError.invalidScope("a requested scope may not be granted")
    }

    private static func issue(_ asked: AskedScopeAndResource, client: SQL, _ audit: AuditSource, _ context: Context) throws -> IssuedTokens? {
        let configuration = context.configuration
        return try TokenStore(database: context.database).issueForClient(
            client: client, requested: asked.scopes, audience: asked.resource ?? configuration.defaultResourceIdentifier,
            own: configuration.ownResource, accessLifetime: configuration.accessTokenLifetime,
            grantLifetime: configuration.grantMaxLifetime, audit: audit)
    }
}
