/// Filled in by its own change; until then the grant is refused as unsupported.
enum ClientCredentialsGrant {
    static func issue(_ request: TokenRequest, _ context: Context) throws -> IssuedTokens {
        throw OAuthError(.unsupportedGrantType, "grant_type is not supported yet")
    }
}
