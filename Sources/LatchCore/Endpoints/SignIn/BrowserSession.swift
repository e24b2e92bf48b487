/// Who is signed in to a browser, and how a browser signs in: the helpers every browser
/// page uses (authorize, account and admin pages).
public enum BrowserSession {
    /// The signed-in person, or nil. With a trusted `REMOTE_USER`, a session of anyone else
    /// does not count (the front authenticator decides who this is).
    public static func current(_ request: Request, _ context: Context) throws -> SignedIn? {
        let signedIn = try cookieSession(request, context)
        if let remote = RemoteUser.trustedName(request, context.configuration), signedIn?.user.username != remote { return nil }
        return signedIn
    }

    /// The person the request's session cookie signs in (`SessionCookie`, `SessionStore`),
    /// whatever `REMOTE_USER` says.
    static func cookieSession(_ request: Request, _ context: Context) throws -> SignedIn? {
        guard let session = SessionCookie.session(request, context.configuration) else { return nil }
        return try SessionStore(database: context.database).find(session)
    }

    /// `303` to the sign-in page, which comes back to this request's path and query.
    public static func signInFirst(_ request: Request) -> Response {
        let here = request.query.isEmpty ? request.path : request.path + "?" + request.query
        return .redirect(signInURL(next: LocalPath.safe(here)), status: 303)
    }

    /// `/login?next=…` (just `/login` for the home page).
    public static func signInURL(next: String) -> String {
        next == LocalPath.home ? "/login" : "/login?" + Parameters.encode([("next", next)])
    }

    /// Starts a session for `user` signed in by `method` (ending the browser's previous one;
    /// recorded, `SignInOperations.start`) and returns its `Set-Cookie`.
    static func start(_ user: User, method: String, request: Request, context: Context) throws -> (String, String) {
        let session = try SignInOperations(database: context.database, request: request)
            .start(user, method: method, ending: try cookieSession(request, context), lifetime: context.configuration.sessionLifetime)
        return ("Set-Cookie", SessionCookie.setting(session, configuration: context.configuration))
    }
}
