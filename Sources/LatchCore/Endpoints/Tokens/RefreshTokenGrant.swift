/// Filled in by its own change; until then the grant is refused as unsupported.
enum RefreshTokenGrant {
    static func rotate(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        throw OAuthError(.unsupportedGrantType, "grant_type is not supported yet")
    }
}
