/// RFC 8414 authorization server metadata and RFC 9728 protected resource metadata,
/// built from `LATCH_ISSUER` (never from the request's Host header).
public enum DiscoveryEndpoint {
    public static let routes: [Route] = [
        Route("/.well-known/oauth-authorization-server", ["GET": { _, context in try authorizationServer(context) }]),
        Route("/.well-known/oauth-protected-resource", ["GET": { _, context in try protectedResource(context) }]),
    ]

    /// Discovery documents change only when scopes do; caches may keep them a minute.
    static let cacheHeaders: [(String, String)] = [("Cache-Control", "public, max-age=60")]

    static func authorizationServer(_ context: Context) throws -> Response {
        let configuration = context.configuration
        let scopes = try ScopeStore(database: context.database).names()
        let document: JSON = [
            "issuer": .string(configuration.issuer),
            "authorization_endpoint": .string(configuration.url("/oauth2/authorize")),
            "token_endpoint": .string(configuration.url("/oauth2/tokens")),
            "registration_endpoint": .string(configuration.url("/oauth2/register")),
            "revocation_endpoint": .string(configuration.url("/oauth2/revoke")),
            "introspection_endpoint": .string(configuration.url("/oauth2/introspect")),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": .array(scopes.map { .string($0) }),
            "authorization_response_iss_parameter_supported": true,
            "service_documentation": .string(configuration.url("/")),
        ]
        return .json(document, headers: cacheHeaders)
    }

    static func protectedResource(_ context: Context) throws -> Response {
        let configuration = context.configuration
        let scopes = try ScopeStore(database: context.database).names()
        let document: JSON = [
            "resource": .string(configuration.resource),
            "authorization_servers": [.string(configuration.issuer)],
            "bearer_methods_supported": ["header"],
            "scopes_supported": .array(scopes.map { .string($0) }),
        ]
        return .json(document, headers: cacheHeaders)
    }
}
