/// `POST /oauth2/tokens` (and `/oauth2/token`): parses the form, refuses duplicates,
/// authenticates the client, then hands the request to the handler of its grant type.
public enum TokenEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/tokens", ["POST": { request, context in try token(request, context) }]),
        Route("/oauth2/token", ["POST": { request, context in try token(request, context) }]),
    ]

    /// One handler per grant type; each lives in its own file.
    typealias GrantHandler = (TokenRequest, Context) throws -> IssuedTokens

    static func handler(for grantType: String) -> GrantHandler? {
        switch grantType {
        case "authorization_code": return AuthorizationCodeGrant.exchange
        case "refresh_token": return RefreshTokenGrant.rotate
        case "client_credentials": return ClientCredentialsGrant.issue
        default: return nil
        }
    }

    static func token(_ request: Request, _ context: Context) throws -> Response {
        do {
            let parameters = try request.formParameters()
            if let duplicate = parameters.firstDuplicateName {
                throw OAuthError.invalidRequest("parameter '\(duplicate)' was given more than once")
            }
            if request.query.contains("access_token=") || parameters.contains("access_token") {
                throw OAuthError.invalidRequest("access tokens are never accepted as parameters")
            }
            let client = try ClientAuthenticator(database: context.database).authenticate(request, parameters: parameters)
            // From here on the client is known: the request log names it, answered or refused.
            do {
                var response = try grant(parameters, client: client, request, context).response
                response.logClientID = client.client.clientID
                return response
            } catch {
                guard let refusal = error as? OAuthError ?? (error as? HTTPError).map(OAuthError.init) else { throw error }
                var response = refusal.response
                response.logClientID = client.client.clientID
                return response
            }
        } catch let error as HTTPError {
            throw OAuthError(error)
        }
    }

    /// Hands an authenticated request to the handler of its grant type.
    static func grant(_ parameters: Parameters, client: AuthenticatedClient, _ request: Request,
                      _ context: Context) throws -> IssuedTokens {
        guard let grantType = try parameters.single("grant_type") else {
            throw OAuthError.invalidRequest("grant_type is required")
        }
        guard let handler = handler(for: grantType) else {
            throw OAuthError(.unsupportedGrantType, "grant_type '\(grantType)' is not supported")
        }
        guard client.client.grantTypes.contains(grantType) else {
            throw OAuthError(.unauthorizedClient, "this client may not use grant_type '\(grantType)'")
        }
        let tokenRequest = TokenRequest(parameters: parameters, client: client, remoteAddress: request.remoteAddress)
        return try handler(tokenRequest, context)
    }
}

/// A token request whose client is authenticated.
public struct TokenRequest {
    public let parameters: Parameters
    public let client: AuthenticatedClient
    public let remoteAddress: String

    /// The client acting, from the request's address: who the audit rows of this request name.
    public var auditSource: AuditSource {
        AuditSource(actor: AuditActor.client(client.client.clientID), address: remoteAddress)
    }

    /// A required parameter, or `invalid_request` naming it.
    public func required(_ name: String) throws -> String {
        guard let value = try parameters.single(name) else { throw OAuthError.invalidRequest("\(name) is required") }
        return value
    }
}
