/// `GET /login` shows the sign-in form; `POST /login` checks the form's CSRF token (a
/// double-submit cookie, `LoginCSRF`), throttles failures (`SignInThrottle`), sets the
/// session cookie (`__Host-latch_session` under https, `SessionCookie`) and `303`s to `next`, a path on this server (`LocalPath`).
/// With a trusted `REMOTE_USER` (`RemoteUser`), that person is signed in without a form.
/// Audit (`SignInOperations`): `signin.success`, `signin.failure`, `signin.throttled` and
/// (`POST /logout`) `signout`.
public enum LoginEndpoint {
    public static let routes: [Route] = [
        Route("/login", ["GET": { request, context in try show(request, context) },
                         "POST": { request, context in try signIn(request, context) }]),
        Route("/logout", ["POST": { request, context in try LogoutEndpoint.signOut(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let parameters = try request.queryParameters()
        let next = LocalPath.next(in: parameters)
        if let name = RemoteUser.trustedName(request, context.configuration) {
            return try signInRemoteUser(name, next: next, request, context)
        }
        // `reauthenticate` (authorize's prompt=login): the form even for someone signed in.
        if let signedIn = try BrowserSession.current(request, context), !parameters.contains("reauthenticate") {
            return next == LocalPath.home ? SignInPage.alreadySignedIn(signedIn) : .redirect(next, status: 303)
        }
        let csrf = LoginCSRF.token(for: request, configuration: context.configuration)
        return SignInPage.form(next: next, csrfToken: csrf.value, username: loginHint(in: next),
                               headers: csrf.cookie.map { [$0] } ?? [])
    }

    /// The `login_hint` of the authorization request the person signs in for (README
    /// "The authorization endpoint" step 1: it pre-fills the username; OpenID Connect Core §3.1.2.1),
    /// read from `next`; empty otherwise. Only a hint: the form is the person's to change, and
    /// the value is HTML-escaped like every value on the page.
    static func loginHint(in next: String) -> String {
        let prefix = "/oauth2/authorize?"
        guard next.hasPrefix(prefix),
              let query = try? Parameters(formEncoded: Array(next.utf8.dropFirst(prefix.utf8.count))),
              let hint = try? query.single("login_hint"), hint.unicodeScalars.count <= 200 else { return "" }
        return hint
    }

    static func signIn(_ request: Request, _ context: Context) throws -> Response {
        let configuration = context.configuration
        let form = try request.browserFormParameters()
        let next = LocalPath.next(in: form)
        guard LoginCSRF.isValid(request, submitted: try form.single("csrf_token"), configuration: configuration) else {
            return ErrorPage.response(status: 403, title: "Sign-in form expired",
                                      message: "The sign-in form expired or did not come from this site. Open the sign-in page again and retry.")
        }
        if let name = RemoteUser.trustedName(request, configuration) {
            return try signInRemoteUser(name, next: next, request, context)
        }
        let csrfToken = try form.single("csrf_token") ?? ""
        guard let username = try form.single("username"), let password = try form.single("password") else {
            return SignInPage.form(next: next, csrfToken: csrfToken, username: try form.single("username") ?? "",
                                   error: "Enter your username and password.", status: 400)
        }
        let throttle = SignInThrottle(database: context.database, addressLimit: configuration.failedSignInsPerMinute)
        if let wait = try throttle.attempt(username: username, address: request.remoteAddress) {
            // The password is not checked: right or wrong, the same status and the same page.
            try SignInOperations(database: context.database, request: request)
                .refuse(.signInThrottled, username: username, detail: ["retry_after": .integer(wait)])
            return ErrorPage.response(for: RateLimiter.tooMany(retryAfter: wait,
                "Too many failed sign-ins for this account or from this address. Wait a while (see Retry-After) and try again."))
        }
        guard let user = try UserStore(database: context.database).authenticate(username: username, password: password) else {
            try SignInOperations(database: context.database, request: request).refuse(.signInFailed, username: username)
            return SignInPage.form(next: next, csrfToken: csrfToken, username: username,
                                   error: "Wrong username or password.", status: 403)
        }
        try throttle.succeeded(username: username, address: request.remoteAddress)
        let cookie = try BrowserSession.start(user, method: "password", request: request, context: context)
        return .redirect(next, status: 303, headers: [cookie])
    }

    /// Signs in the person the front authenticator vouches for and goes on to `next`.
    static func signInRemoteUser(_ name: String, next: String, _ request: Request, _ context: Context) throws -> Response {
        let user = try RemoteUser.account(named: name, database: context.database, request: request)
        if let signedIn = try BrowserSession.cookieSession(request, context), signedIn.user.id == user.id {
            return .redirect(next, status: 303)
        }
        let cookie = try BrowserSession.start(user, method: "remote_user", request: request, context: context)
        return .redirect(next, status: 303, headers: [cookie])
    }
}
