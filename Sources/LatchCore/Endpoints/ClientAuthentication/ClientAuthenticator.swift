/// A client that proved who it is at the token, revocation or introspection endpoint.
public struct AuthenticatedClient: Sendable {
    public let client: Client
    /// `client_secret_basic`, `client_secret_post` or `none`.
    public let method: String
}

/// Client authentication (RFC 6749 §2.3, OAuth 2.1 §2.4; CONTRACT "Token endpoint").
///
/// - `client_secret_basic`: `Authorization: Basic` with form-encoded id and secret;
/// - `client_secret_post`: `client_id` and `client_secret` in the body;
/// - `none`: a public client sends only `client_id`.
/// Two methods at once, or another method than the client may use, is `invalid_client`;
/// a Basic client_id that differs from the body's is `invalid_request`.
public struct ClientAuthenticator {
    let clients: ClientStore

    public init(database: Database) { clients = ClientStore(database: database) }

    public func authenticate(_ request: Request, parameters: Parameters) throws -> AuthenticatedClient {
        let basic: BasicAuthorization?
        do {
            basic = try BasicAuthorization.parse(request.header("authorization"))
        } catch {
            throw OAuthError.invalidClient("the Basic authorization header is malformed")
        }
        if let header = request.header("authorization"), basic == nil, !header.isEmpty {
            throw OAuthError.invalidClient("unsupported authorization scheme; use HTTP Basic")
        }
        let bodyClientID = try parameters.single("client_id")
        let bodySecret = try parameters.single("client_secret")

        if let basic {
            if bodySecret != nil { throw OAuthError.invalidClient("use one client authentication method, not two") }
            if let bodyClientID, bodyClientID != basic.username {
                throw OAuthError.invalidRequest("client_id in the body differs from the authenticated client")
            }
            return try verify(clientID: basic.username, secret: basic.password, method: "client_secret_basic")
        }
        guard let clientID = bodyClientID else { throw OAuthError.invalidClient("client authentication is required") }
        if let bodySecret { return try verify(clientID: clientID, secret: bodySecret, method: "client_secret_post") }
        guard let client = try clients.find(clientID), client.allows(authenticationMethod: "none") else {
            throw OAuthError.invalidClient()
        }
        return AuthenticatedClient(client: client, method: "none")
    }

    private func verify(clientID: String, secret: String, method: String) throws -> AuthenticatedClient {
        guard let client = try clients.find(clientID, authenticatedBy: secret), client.allows(authenticationMethod: method) else {
            throw OAuthError.invalidClient()
        }
        return AuthenticatedClient(client: client, method: method)
    }
}
