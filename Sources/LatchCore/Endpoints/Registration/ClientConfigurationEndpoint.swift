/// `GET, PUT, DELETE /oauth2/clients/{client_id}`: the client configuration endpoint (RFC 7592),
/// authenticated by the registration access token (`Authorization: Bearer lrg_…`).
///
/// - A missing or wrong token, a token of another client, or an unknown client: 401 (§2: "If
///   the client does not exist on this server, the server MUST respond with HTTP 401").
/// - `GET` and `PUT` answer with the client information response, which must carry a
///   registration access token (§3); latch keeps only a hash, so it rotates the token on each
///   of them: the old one stops working and the response carries the new one ("the client MUST
///   immediately discard its previous … registration access token", §2.1).
/// - `PUT` is a full replacement (§2.2): omitted members take their defaults. `client_id` must be
///   the client's own; a `client_secret`, if sent, must be the current one; a public client cannot
///   become confidential nor the other way round. The client secret is kept (never rotated here):
///   the response carries no `client_secret`, and secrets are managed by admins.
/// - `DELETE` removes the client with its secrets, codes, grants and tokens (ON DELETE CASCADE): 204.
/// - `PUT` and `DELETE` are recorded (`client.updated`, `client.deleted`) in their transaction.
public enum ClientConfigurationEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/clients/{client_id}", [
            "GET": { request, context in try read(request, context) },
            "PUT": { request, context in try update(request, context) },
            "DELETE": { request, context in try delete(request, context) },
        ]),
    ]

    /// The client the request's registration access token belongs to, else 401.
    static func authenticate(_ request: Request, _ context: Context) throws -> (Client, Credential) {
        let clientID = request.pathParameters["client_id"] ?? ""
        guard let presented = request.bearerToken else { throw unauthorized(tokenWasSent: false) }
        guard let token = try RegistrationTokenStore(database: context.database).verify(presented, clientID: clientID),
              let client = try ClientStore(database: context.database).find(clientID) else {
            throw unauthorized(tokenWasSent: true)
        }
        return (client, token)
    }

    static func unauthorized(tokenWasSent: Bool) -> OAuthError {
        var challenge = "Bearer realm=\"latch\""
        if tokenWasSent { challenge += ", error=\"invalid_token\"" }
        return OAuthError(.invalidToken, tokenWasSent ? "the registration access token is not valid for this client"
                                                      : "the registration access token is required",
                          status: 401, headers: [("WWW-Authenticate", challenge)])
    }

    static func read(_ request: Request, _ context: Context) throws -> Response {
        let (client, token) = try authenticate(request, context)
        let next = try RegistrationTokenStore(database: context.database).rotate(clientID: client.clientID, from: token)
        return try answer(client, registrationToken: next, context)
    }

    /// The client's information with its new registration access token (RFC 7592 §3), or `401`
    /// when the presented token stopped working meanwhile (`next` nil).
    static func answer(_ client: Client, registrationToken next: Credential?, _ context: Context) throws -> Response {
        guard let next else { throw unauthorized(tokenWasSent: true) }
        var response = Response.noStoreJSON(RegistrationEndpoint.information(client, secret: nil, registrationToken: next,
                                                                             configuration: context.configuration))
        response.logClientID = client.clientID
        return response
    }

    static func update(_ request: Request, _ context: Context) throws -> Response {
        let (current, token) = try authenticate(request, context)
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        let members = JSONMembers(body, code: .invalidClientMetadata)
        guard let clientID = try members.string("client_id", maxLength: 200), clientID == current.clientID else {
            throw members.failure("client_id must be present and be this client's identifier")
        }
        let clients = ClientStore(database: context.database)
        if let secret = try members.string("client_secret", maxLength: 200) {
            guard try clients.verifySecret(secret, of: current.clientID) else {
                throw members.failure("client_secret does not match the client's current secret; it cannot be chosen by the client")
            }
        }
        let defined = try ScopeStore(database: context.database).all()
        var verified = current.verified
        var metadata = try ClientMetadata.parse(body, definedScopes: defined.map(\.name), verified: verified)
        // An admin vouched for what a dynamic or metadata client showed then; a client that
        // changes who it says it is or where it sends people is unverified again, and its new
        // metadata is held to the rules of an unverified client.
        if verified && current.origin != .admin && changesIdentity(current, metadata) {
            verified = false
            metadata = try ClientMetadata.parse(body, definedScopes: defined.map(\.name), verified: false)
        }
        guard metadata.isPublic == current.isPublic else {
            throw members.failure(current.isPublic ? "a public client cannot become confidential; register a new client"
                                                   : "a confidential client cannot become public; register a new client")
        }
        var replacement = metadata.client(id: current.clientID)
        replacement.origin = current.origin
        replacement.verified = verified
        replacement.createdAt = current.createdAt
        // README "Scopes and resources": the registered list is narrowed to what this client may get.
        replacement.scope = ScopePolicy.narrowed(replacement.scope, verified: verified, defined: defined)
        let next = try registration(current, request, context).replace(current, with: replacement, token: token)
        return try answer(replacement, registrationToken: next, context)
    }

    static func delete(_ request: Request, _ context: Context) throws -> Response {
        let (client, _) = try authenticate(request, context)
        try registration(client, request, context).delete(client)
        var response = Response.empty(204, headers: [("Cache-Control", "no-store")])
        response.logClientID = client.clientID
        return response
    }

    /// Whether an update changes what an admin looked at when verifying the client: its name,
    /// logo, redirect URIs (byte for byte), grant types or registered scopes.
    static func changesIdentity(_ current: Client, _ metadata: ClientMetadata) -> Bool {
        func same(_ a: [String], _ b: [String]) -> Bool { a.count == b.count && zip(a, b).allSatisfy(RedirectURI.identical) }
        return !RedirectURI.identical(metadata.clientName ?? current.clientID, current.name)
            || !RedirectURI.identical(metadata.logoURI ?? "", current.icon ?? "")
            || !same(metadata.redirectURIs, current.redirectURIs)
            || !same(metadata.grantTypes.sorted(), current.grantTypes.sorted())
            || !same(metadata.scope.sorted(), current.scope.sorted())
    }

    /// The holder of a client's registration access token acts as that client.
    /// The registration operations, acting as the client itself.
    static func registration(_ client: Client, _ request: Request, _ context: Context) -> ClientRegistration {
        ClientRegistration(database: context.database, actor: AuditActor.client(client.clientID), request: request)
    }
}
