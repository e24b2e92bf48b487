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
/// Only verified clients (README "The client trust model"): an unverified one — anonymous registration,
/// metadata document — is `unauthorized_client`, both in the one-trip statement (its `client`
/// CTE has no row for an unverified client asking for this grant) and on the full path.
///
/// Scopes follow `ScopePolicy` (an unverified client never gets a scope that is not open, even
/// with an empty registered list), and the token's audience is the request's registered
/// `resource`, else `LATCH_DEFAULT_RESOURCE` (`invalid_target` otherwise).
struct ClientCredentialsGrant: TokenGrant {
    let grantType = "client_credentials"

    func admit(_ authenticated: AuthenticatedClient) throws {
        let client = authenticated.client
        guard !client.isPublic, authenticated.method != "none" else {
            throw OAuthError(.unauthorizedClient, "client_credentials is only for confidential clients")
        }
        guard client.verified else {
            throw OAuthError(.unauthorizedClient, "client_credentials is only for verified clients; ask an admin to verify this app")
        }
    }

    func parse(_ parameters: Parameters, _ context: Context) throws -> AskedScopeAndResource {
        try AskedScopeAndResource(parameters)
    }

    /// Which resources and scopes exist is read by the issuing statement itself. A public
    /// client's proof is not even tried.
    func act(_ asked: AskedScopeAndResource, by proof: ClientProof, audit: AuditSource, _ context: Context) throws -> IssuedTokens? {
        guard proof.isConfidential else { return nil }
        let configuration = context.configuration
        return try TokenStore(database: context.database).issueForClient(
            by: proof, requested: asked.scopes, audience: asked.resource ?? configuration.defaultResourceIdentifier,
            own: configuration.ownResource, accessLifetime: configuration.accessTokenLifetime,
            grantLifetime: configuration.grantMaxLifetime, audit: audit)
    }

    /// Nothing was issued: name the rule the request broke.
    func explain(_ asked: AskedScopeAndResource, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens {
        let configuration = context.configuration
        let resource = try ScopePolicy.resource(named: asked.resource, store: ResourceStore(database: context.database,
                                                                                            own: configuration.ownResource),
                                                configuration: configuration)
        _ = try ScopePolicy.resolve(requested: asked.scopes.map(ScopeSet.format), client: client.client, resource: resource,
                                    defined: try ScopeStore(database: context.database).all())
        throw OAuthError.invalidScope("a requested scope may not be granted")
    }
}
