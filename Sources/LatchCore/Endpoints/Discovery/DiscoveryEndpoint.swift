/// RFC 8414 authorization server metadata and RFC 9728 protected resource metadata,
/// built from `LATCH_ISSUER` (never from the request's Host header).
///
/// Protected resources (RFC 8414 and RFC 9728): `/.well-known/oauth-protected-resource` describes
/// latch's own API; `/.well-known/oauth-protected-resource/<path>` the registered resource whose
/// identifier is `<issuer origin>/<path>` — or, behind nginx on a resource's own host, the one its
/// location names (`LATCH_CHECK_RESOURCE`, deploy/nginx/latch-resource-metadata.conf). Unknown: `404`.
public enum DiscoveryEndpoint {
    public static let routes: [Route] = [
        Route("/.well-known/oauth-authorization-server", ["GET": { _, context in try authorizationServer(context) }]),
        // OpenID Connect Discovery 1.0 §4: the same document.
        Route("/.well-known/openid-configuration", ["GET": { _, context in try authorizationServer(context) }]),
        Route("/.well-known/oauth-protected-resource", ["GET": { request, context in try protectedResource(request, context) }]),
        Route("/.well-known/oauth-protected-resource/{path*}", ["GET": { request, context in try protectedResource(request, context) }]),
    ]

    /// Discovery documents change only when scopes do; caches may keep them a minute.
    static let cacheHeaders: [(String, String)] = [("Cache-Control", "public, max-age=60")]

    static func authorizationServer(_ context: Context) throws -> Response {
        let configuration = context.configuration
        // Read-only: from the standby when one is configured (README "Running latch for real").
        let scopes = try context.reading { try ScopeStore(database: $0).names() }
        var document: [(String, JSON)] = [
            ("issuer", .string(configuration.issuer)),
            ("authorization_endpoint", .string(configuration.url("/oauth2/authorize"))),
            ("token_endpoint", .string(configuration.url("/oauth2/tokens"))),
            ("revocation_endpoint", .string(configuration.url("/oauth2/revoke"))),
            ("introspection_endpoint", .string(configuration.url("/oauth2/introspect"))),
            ("response_types_supported", ["code"]),
            ("response_modes_supported", ["query"]),
            ("grant_types_supported", ["authorization_code", "refresh_token", "client_credentials"]),
            ("code_challenge_methods_supported", ["S256"]),
            ("token_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]),
            ("token_endpoint_auth_signing_alg_values_supported", .array(JWSAlgorithm.allCases.map { .string($0.rawValue) })),
            ("revocation_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post", "none"]),
            ("introspection_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]),
            ("scopes_supported", .array(scopes.map { .string($0) })),
            ("authorization_response_iss_parameter_supported", true),
            ("prompt_values_supported", ["none", "login", "consent"]),
            ("service_documentation", .string(configuration.url("/"))),
        ]
        document += OpenIDDiscovery.members(configuration)
        // RFC 8414 §2: registration_endpoint only while there is one (LATCH_REGISTRATION=off has none).
        if configuration.registration != .off {
            document.insert(("registration_endpoint", .string(configuration.url("/oauth2/register"))), at: 3)
        }
        // README "Client ID Metadata Documents" (draft-ietf-oauth-client-id-metadata-document §6).
        document.append(("client_id_metadata_document_supported", .bool(configuration.clientMetadata)))
        return .json(.object(document), headers: cacheHeaders)
    }

    static func protectedResource(_ request: Request, _ context: Context) throws -> Response {
        let configuration = context.configuration
        let identifier: String
        if let named = request.serverVariables["LATCH_CHECK_RESOURCE"], !named.isEmpty {
            identifier = named
        } else if let path = request.pathParameters["path"] {
            identifier = ResourceIdentifier.origin(of: configuration.issuer) + "/" + path
        } else {
            identifier = configuration.ownResource
        }
        let found = try context.reading { database -> (Resource, [String])? in
            guard let resource = try ResourceStore(database: database, own: configuration.ownResource).find(identifier: identifier) else { return nil }
            return (resource, try resource.scopes ?? ScopeStore(database: database).names())
        }
        guard let (resource, scopes) = found else {
            throw OAuthError.notFound("no protected resource is registered here")
        }
        var document: [(String, JSON)] = [
            ("resource", .string(resource.identifier)),
            ("resource_name", .string(resource.name)),
            ("authorization_servers", [.string(configuration.issuer)]),
            ("bearer_methods_supported", ["header"]),
            ("scopes_supported", .array(scopes.map { .string($0) })),
        ]
        if resource.dpopRequired { document.append(("dpop_bound_access_tokens_required", true)) }
        return .json(.object(document), headers: cacheHeaders)
    }
}
