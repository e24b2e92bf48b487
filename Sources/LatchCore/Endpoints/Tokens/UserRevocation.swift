/// `DELETE /oauth2/tokens?client_id=ID`: a person revokes an app. Every grant they gave the
/// app (so every access and refresh token, on every device) and every code not yet redeemed
/// stop working; nobody else's tokens, and none of their other apps', are touched. `204`, also
/// when there was nothing to revoke.
///
/// Who asks, one of:
/// - the user's bearer token (`Authorization: Bearer`, never a query or form parameter).
///   Such a token may revoke only the app it was issued to ("disconnect this app"): an app
///   holding a user's token must not be able to disconnect the user from other apps. Another
///   `client_id` is `403`; a client_credentials token (no user) is `403`.
/// - the user's session cookie plus its CSRF token, in a `csrf_token` form parameter or an
///   `X-CSRF-Token` header — never the query (URLs end up in logs) —
///   (`403` without it or with a wrong one). A session may revoke any of the user's apps.
/// Neither: `401` with the RFC 9728 challenge.
public enum UserRevocation {
    public static let routes: [Route] = [
        Route("/oauth2/tokens", ["DELETE": { request, context in try revoke(request, context) }]),
    ]

    static func revoke(_ request: Request, _ context: Context) throws -> Response {
        let query = try request.queryParameters()
        let form = request.body.isEmpty ? Parameters() : try request.formParameters()
        for parameters in [query, form] {
            try parameters.requireUniqueNames()
            if parameters.contains("access_token") {
                throw OAuthError.invalidRequest("access tokens are never accepted as parameters")
            }
        }
        guard let clientID = try query.single("client_id") else { throw OAuthError.invalidRequest("client_id is required") }
        let (userID, actor) = try requester(request, query: query, form: form, clientID: clientID, context: context)
        try revokeApp(clientID, userID: userID, audit: AuditSource(actor: actor, request: request), database: context.database)
        var response = Response.empty(204, headers: [("Cache-Control", "no-store")])
        response.logClientID = clientID
        return response
    }

    /// What revoking an app means, here and on the "Your apps" page (`AccountAppsPage`) alike:
    /// every grant `userID` gave `clientID` and every code not yet redeemed stop working.
    public static func revokeApp(_ clientID: String, userID: Int, audit: AuditSource, database: Database) throws {
        try TokenStore(database: database).revokeGrants(userID: userID, clientID: clientID, reason: "user", audit: audit)
    }

    /// The id of the user asking, by bearer token or by session with CSRF, and who acts for the
    /// audit trail: the app holding the user's token (`client:ID`), or the signed-in person.
    static func requester(_ request: Request, query: Parameters, form: Parameters, clientID: String,
                          context: Context) throws -> (userID: Int, actor: String) {
        if request.header("authorization") != nil {
            let token = try BearerAuthentication.require(request, context: context)
            guard let userID = token.userID else { throw OAuthError.forbidden("this token does not act for a user") }
            guard token.clientID == clientID else {
                throw OAuthError.forbidden("a bearer token may revoke only the app it was issued to")
            }
            return (userID, AuditActor.client(token.clientID))
        }
        // BrowserSession: with a trusted REMOTE_USER, a session of anyone else does not count.
        guard let signedIn = try BrowserSession.current(request, context) else {
            throw BearerAuthentication.challenge(context, tokenWasSent: false)
        }
        // Never from the query: URLs end up in logs, histories and Referer headers.
        let submitted = try form.single("csrf_token") ?? request.header("x-csrf-token")
        guard signedIn.isValidCSRF(submitted) else { throw OAuthError.forbidden("a valid csrf_token is required") }
        return (signedIn.user.id, AuditActor.user(signedIn.user.username))
    }
}
