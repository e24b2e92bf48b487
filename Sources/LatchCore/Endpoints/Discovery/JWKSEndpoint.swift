/// `GET /oauth2/jwks`: the JWK Set (RFC 7517 §5) of every published signing key — the next
/// ones, the current ones and the retired ones whose tokens may still be live (README "OpenID
/// Connect"). From the worker's key ring, so no database read while it is fresh; cacheable
/// for at most a third of the publish delay (`KeySettings.jwksMaxAge`), so a relying party
/// that honours the header has a next key before it signs.
enum JWKSEndpoint {
    static let routes: [Route] = [
        Route("/oauth2/jwks", ["GET": { _, context in try jwks(context) }]),
    ]

    static func jwks(_ context: Context) throws -> Response {
        let keys = try SigningKeyRing.published(context).map { $0.publicJWK.json(kid: $0.kid) }
        return .json(["keys": .array(keys)],
                     headers: [("Cache-Control", "public, max-age=\(context.configuration.keys.jwksMaxAge)")])
    }
}
