/// `GET /`: a small landing page pointing at sign-in (or, when signed in, "Your apps" and, for
/// admins, the console) and the discovery document.
public enum HomePage {
    public static let routes: [Route] = [
        Route("/", ["GET": { request, context in try show(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let signedIn = try BrowserSession.current(request, context)
        let who: HTML
        if let signedIn {
            let admin: HTML = signedIn.user.isAdmin
                ? "<li><a href=\"/admin/apps\">Admin console</a>: apps, their secrets, and scopes.</li>" : .empty
            who = """
                <p>Signed in as <strong>\(signedIn.user.username)</strong>.</p>
                <ul><li><a href="/account/apps">Your apps</a>: the apps you allowed, and revoking them.</li>\(admin)</ul>
                """
        } else {
            who = "<p><a href=\"/login\">Sign in</a></p>"
        }
        return Page(title: "Home", content: """
            <h1>latch</h1>
            <p>An OAuth 2.1 authorization server.</p>
            \(who)
            <p class="muted">For developers: <a href="/.well-known/oauth-authorization-server">server metadata</a>.</p>
            """, signedIn: signedIn).response
    }
}
