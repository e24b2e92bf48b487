/// Authorize step 3a: `response_type` must be `code` (OAuth 2.1 removed the implicit grant),
/// and the client must be allowed the authorization-code grant.
enum ResponseTypeCheck {
    static func check(_ parameters: Parameters, client: Client) throws {
        guard let type = try parameters.single("response_type") else {
            throw OAuthError.invalidRequest("response_type is required")
        }
        guard type == "code" else {
            throw OAuthError(.unsupportedResponseType, "only response_type=code is supported")
        }
        guard client.responseTypes.contains("code"), client.grantTypes.contains("authorization_code") else {
            throw OAuthError(.unauthorizedClient, "this client may not use the authorization code grant")
        }
    }
}
