/// `POST /logout`: ends the session (the form carries the session's `csrf_token`; without
/// it `403`), clears the cookie and `303`s to the sign-in page (with `next` when given).
enum LogoutEndpoint {
    static func signOut(_ request: Request, _ context: Context) throws -> Response {
        let form = try request.browserFormParameters()
        let next = LocalPath.next(in: form)
        guard let signedIn = try BrowserSession.cookieSession(request, context) else {
            return .redirect(BrowserSession.signInURL(next: next), status: 303)
        }
        guard signedIn.isValidCSRF((try? form.single("csrf_token")) ?? nil) else {
            return ErrorPage.response(status: 403, title: "Not signed out",
                                      message: "The sign-out form did not come from this site.", signedIn: signedIn)
        }
        try SignInOperations(database: context.database, request: request).end(signedIn)
        return .redirect(BrowserSession.signInURL(next: next), status: 303,
                         headers: [("Set-Cookie", SessionCookie.clearing(configuration: context.configuration))])
    }
}
