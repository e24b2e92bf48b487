/// Filled in by its own change; until then the grant is refused as unsupported.
enum AuthorizationCodeGrant {
    static func exchange(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        throw OAuthError(.unsupportedGrantType, "grant_type is not supported yet")
    }
}
