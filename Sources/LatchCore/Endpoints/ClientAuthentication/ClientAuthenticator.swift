/// A client that proved who it is at the token, revocation or introspection endpoint.
public struct AuthenticatedClient: Sendable {
    public let client: Client
    /// `client_secret_basic`, `client_secret_post` or `none`.
    public let method: String
}

/// Client authentication (RFC 6749 §2.3, OAuth 2.1 §2.4; README "Token lifecycle").
///
/// - `client_secret_basic`: `Authorization: Basic` with form-encoded id and secret;
/// - `client_secret_post`: `client_id` and `client_secret` in the body;
/// - `none`: a public client sends only `client_id`;
/// - `private_key_jwt`: `client_assertion_type` and a `client_assertion` signed with a key the
///   client registered (`ClientAssertion`, RFC 7523 §2.2), its `jti` used once.
/// Two methods at once, or another method than the client may use, is `invalid_client`;
/// a Basic client_id that differs from the body's is `invalid_request`.
public struct ClientAuthenticator {
    let clients: ClientStore
    /// `LATCH_ISSUER`: what a client assertion's `aud` may name (with its token endpoint).
    let issuer: String

    /// The settings `private_key_jwt` needs to fetch keys at a `jwks_uri` and documents of
    /// metadata clients (nil: such clients are refused).
    var configuration: Configuration? = nil

    public init(database: Database, issuer: String = "") {
        clients = ClientStore(database: database)
        self.issuer = issuer
    }

    /// An authenticator for the endpoints, with every method the settings allow.
    public init(_ context: Context) {
        self.init(database: context.database, issuer: context.configuration.issuer)
        configuration = context.configuration
    }

    public func authenticate(_ request: Request, parameters: Parameters) throws -> AuthenticatedClient {
        try verify(try ClientAuthenticator.presented(request, parameters: parameters))
    }

    /// Who the request says it is and how it proves it, with every rule about the request's
    /// shape applied; nothing is looked up yet.
    public static func presented(_ request: Request, parameters: Parameters) throws -> PresentedClient {
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
        let assertionType = try parameters.single("client_assertion_type")
        let assertion = try parameters.single("client_assertion")
        if assertionType != nil || assertion != nil {
            if basic != nil || bodySecret != nil { throw OAuthError.invalidClient("use one client authentication method, not two") }
            guard assertionType == ClientAssertion.type, let assertion else {
                throw OAuthError.invalidClient("client_assertion_type must be \(ClientAssertion.type), with a client_assertion")
            }
            guard let claimed = ClientAssertion.claimedClientID(assertion) else {
                throw OAuthError.invalidClient("client_assertion is not a JWT with a sub")
            }
            if let bodyClientID, bodyClientID != claimed {
                throw OAuthError.invalidClient("client_id differs from the client assertion's sub")
            }
            return PresentedClient(clientID: claimed, secret: nil, method: "private_key_jwt", assertion: assertion)
        }

        if let basic {
            if bodySecret != nil { throw OAuthError.invalidClient("use one client authentication method, not two") }
            if let bodyClientID, bodyClientID != basic.username {
                throw OAuthError.invalidRequest("client_id in the body differs from the authenticated client")
            }
            return PresentedClient(clientID: basic.username, secret: basic.password, method: "client_secret_basic")
        }
        guard let clientID = bodyClientID else { throw OAuthError.invalidClient("client authentication is required") }
        if let bodySecret { return PresentedClient(clientID: clientID, secret: bodySecret, method: "client_secret_post") }
        return PresentedClient(clientID: clientID, secret: nil, method: "none")
    }

    /// The client, when the presented credentials prove it; `invalid_client` otherwise.
    public func verify(_ presented: PresentedClient) throws -> AuthenticatedClient {
        if let assertion = presented.assertion { return try verify(assertion: assertion, of: presented) }
        let found = try presented.secret.map { try clients.find(presented.clientID, authenticatedBy: $0) } ?? clients.find(presented.clientID)
        if let client = found, client.tokenEndpointAuthMethod == "private_key_jwt" {
            throw OAuthError.invalidClient("this client authenticates with private_key_jwt: send a client_assertion")
        }
        guard let client = found, client.allows(authenticationMethod: presented.method) else {
            throw OAuthError.invalidClient()
        }
        return AuthenticatedClient(client: client, method: presented.method)
    }

    /// `private_key_jwt`: the client's row, the assertion checked against its registered keys
    /// in Swift, then its `jti` recorded (refused when seen before).
    ///
    /// A metadata client (README "Client ID Metadata Documents") is read from its document
    /// first — the cached one while fresh, else fetched — so its keys (`jwks` or `jwks_uri`) are
    /// the document's current ones, even on its first request.
    func verify(assertion: String, of presented: PresentedClient) throws -> AuthenticatedClient {
        var found = try clients.find(presented.clientID)
        if let configuration, MetadataClientID.looksLikeURL(presented.clientID), found == nil || found?.origin == .metadata {
            do {
                found = try MetadataClients(database: clients.database, configuration: configuration)
                    .client(presented.clientID, cached: found)
            } catch let refusal as MetadataClientRefusal {
                throw OAuthError.invalidClient(refusal.description).causedBy(MetadataClientRefusal(refusal.cause ?? refusal.description))
            }
        }
        guard let client = found, client.allows(authenticationMethod: "private_key_jwt") else {
            throw OAuthError.invalidClient()
        }
        let (jti, expiresAt) = try ClientAssertion.verify(
            assertion, client: client, issuer: issuer, tokenEndpoint: issuer + "/oauth2/tokens", now: Clock.now(),
            keySets: configuration.map { ClientKeySets(database: clients.database, configuration: $0) })
        guard try ClientAssertionStore(database: clients.database).consume(clientID: client.clientID, jti: jti, expiresAt: expiresAt) else {
            throw OAuthError.invalidClient("client assertion refused: its jti was used before")
        }
        // The next request of this client may then be one statement (`ClientAssertionKeys`).
        if configuration != nil {
            let keySet = try client.metadata["jwks_uri"]?.stringValue.flatMap { try ClientKeySetStore(database: clients.database).fresh($0)?.jwks }
            ClientAssertionKeys.remember(client, keySet: keySet)
        }
        return AuthenticatedClient(client: client, method: "private_key_jwt")
    }
}

/// Client credentials as a request presents them, before anything is looked up.
public struct PresentedClient: Sendable {
    public let clientID: String
    /// The secret as sent; nil for `none`.
    public let secret: String?
    /// `client_secret_basic`, `client_secret_post`, `none` or `private_key_jwt`.
    public let method: String
    /// The `client_assertion` of `private_key_jwt`.
    public var assertion: String? = nil
}

extension PresentedClient {
    /// What a statement that authenticates the client itself works from (`ClientProof`): nil
    /// when what was presented cannot prove anything (then the full path says why).
    public func proof(unverifiedTokensPerMinute: Int? = nil) -> ClientProof? {
        ClientProof(clientID: clientID, method: method, secret: secret, unverifiedTokensPerMinute: unverifiedTokensPerMinute)
    }
}
