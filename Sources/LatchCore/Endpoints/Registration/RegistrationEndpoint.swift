/// `POST /oauth2/register`: dynamic client registration (RFC 7591 §3).
///
/// Who registers (README "Clients and admins"; README "The client trust model"): with
/// `Authorization: Bearer <admin token>` (RFC 7591 §3's initial access token) an admin, and the
/// client is a verified `admin` client; anonymously, an unverified `dynamic` one (no
/// `client_credentials`, no operating-system handler schemes). A bad admin token is 401, never
/// an anonymous registration.
///
/// In order: the registration mode (`LATCH_REGISTRATION`: `off` → 403; `admin` → an admin
/// token or an admin session with CSRF, else 401/403), the per-address rate limit (429 with
/// `Retry-After`; per IPv4 address or IPv6 /64, counted in PostgreSQL so every worker and host
/// shares it), the strict JSON body, the metadata rules of `ClientMetadata` (its `scope` narrowed
/// by `ScopePolicy.narrowed`), then one transaction that stores the client,
/// its secret (not for public clients), its registration access token and the audit row
/// (`client.registered`).
public enum RegistrationEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/register", ["POST": { request, context in try register(request, context) }]),
    ] + ClientConfigurationEndpoint.routes

    static func register(_ request: Request, _ context: Context) throws -> Response {
        let configuration = context.configuration
        var administrator: Administrator?
        switch configuration.registration {
        case .off:
            throw OAuthError(.accessDenied, "dynamic client registration is disabled on this server", status: 403)
        case .admin:
            administrator = try AdminAuthentication.require(request, context)
        case .open:
            if let header = request.header("authorization"), !header.isEmpty {
                administrator = try AdminAuthentication.require(request, context)
            }
        }
        let verified = administrator != nil
        // Per source address; an IPv6 address by its /64 (anyone holds 2^64 of them).
        if let retryAfter = try RateLimiter(database: context.database).hit("register:" + SourceAddress.bucket(request.remoteAddress),
                                                                             limit: configuration.registrationsPerMinute) {
            throw RateLimiter.tooMany(retryAfter: retryAfter, "too many registrations from this address; try again later")
        }
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        let defined = try ScopeStore(database: context.database).all()
        let metadata = try ClientMetadata.parse(body, definedScopes: defined.map(\.name), verified: verified)
        var registered = metadata.client(id: ClientStore.newClientID())
        if verified {
            registered.origin = .admin
            registered.verified = true
        }
        // README "Scopes and resources": a registration's scope is narrowed to what the client may get (an
        // unverified client: the open scopes), and the 201 answer shows the result.
        registered.scope = ScopePolicy.narrowed(registered.scope, verified: registered.verified, defined: defined)

        // An anonymous registrant is the new client itself; an admin is named.
        let actor = administrator?.actor ?? AuditActor.client(registered.clientID)
        let (client, secret, token) = try ClientRegistration(database: context.database, actor: actor, request: request)
            .register(registered)
        var response = Response.noStoreJSON(information(client, secret: secret, registrationToken: token, configuration: configuration),
                                            status: 201)
        response.logClientID = client.clientID
        return response
    }

    /// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): identifiers, the secret
    /// when one was just minted, the registration access token and URI, then the metadata.
    static func information(_ client: Client, secret: Credential?, registrationToken: Credential,
                            configuration: Configuration) -> JSON {
        var members: [(String, JSON)] = [("client_id", .string(client.clientID))]
        if let secret { members.append(("client_secret", .string(secret.value))) }
        members.append(("client_id_issued_at", .integer(client.createdAt)))
        if secret != nil || (!client.isPublic && client.tokenEndpointAuthMethod != "private_key_jwt") {
            members.append(("client_secret_expires_at", 0))
        }
        members.append(("registration_access_token", .string(registrationToken.value)))
        members.append(("registration_client_uri", .string(configuration.url("/oauth2/clients/" + Parameters.encode(client.clientID)))))
        members.append(contentsOf: ClientMetadata(client: client).responseMembers)
        return .object(members)
    }
}
