/// `POST /oauth2/revoke` (RFC 7009).
///
/// > The client requests the revocation of a particular token by making an HTTP POST request
/// > to the token revocation endpoint URL. [...] The authorization server first validates the
/// > client credentials [...] and then verifies whether the token was issued to the client
/// > making the revocation request. If this validation fails, the request is refused and the
/// > client is informed of the error by the authorization server as described below. (§2.1)
///
/// > The authorization server responds with HTTP status code 200 if the token has been revoked
/// > successfully or if the client submitted an invalid token. (§2.2)
///
/// Any client may revoke its own tokens, public ones included (a native app's sign-out); a
/// token of another client is treated as invalid: `200`, nothing happens. `token_type_hint`
/// is accepted and not needed: the prefix of a latch token says what it is (§2.1 lets the
/// server search every type). Revoking a refresh token revokes its grant — see
/// `TokenStore.revoke(_:byClient:audit:)`. A revocation that revoked something is recorded
/// (`token.revoked`).
public enum RevocationEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/revoke", ["POST": { request, context in try revoke(request, context) }]),
    ]

    static func revoke(_ request: Request, _ context: Context) throws -> Response {
        let parameters = try request.formParameters()
        try parameters.requireUniqueNames()
        let client = try ClientAuthenticator(context).authenticate(request, parameters: parameters)
        guard let token = try parameters.single("token") else { throw OAuthError.invalidRequest("token is required") }
        try TokenStore(context).revoke(
            token, byClient: client.client.clientID,
            audit: AuditSource(actor: AuditActor.client(client.client.clientID), request: request))
        var response = Response(status: 200, headers: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
        response.logClientID = client.client.clientID
        return response
    }
}
