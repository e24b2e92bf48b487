/// The OpenID Connect members of the discovery document (OpenID Connect Discovery 1.0 §3,
/// README "OpenID Connect"), served at `/.well-known/openid-configuration` and in the RFC 8414
/// document alike.
enum OpenIDDiscovery {
    /// The claims an ID token or userinfo answer may carry (README "OpenID Connect").
    static let claims = ["iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash",
                         "preferred_username", "name", "email", "email_verified"]

    static func members(_ configuration: Configuration) -> [(String, JSON)] {
        let algorithms: JSON = .array(JWSAlgorithm.allCases.map { .string($0.rawValue) })
        return [
            ("userinfo_endpoint", .string(configuration.url("/oauth2/userinfo"))),
            ("jwks_uri", .string(configuration.url("/oauth2/jwks"))),
            ("end_session_endpoint", .string(configuration.url("/oauth2/logout"))),
            ("subject_types_supported", ["public"]),
            ("id_token_signing_alg_values_supported", algorithms),
            ("claims_supported", .array(claims.map { .string($0) })),
        ]
    }
}
