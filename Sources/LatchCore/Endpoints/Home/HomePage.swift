/// `GET /`: a small landing page pointing at sign-in and the discovery document.
public enum HomePage {
    public static let routes: [Route] = [
        Route("/", ["GET": { request, context in try show(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let signedIn = try BrowserSession.current(request, context)
        let who: HTML = signedIn.map { "<p>Signed in as <strong>\($0.user.username)</strong>.</p>" }
            ?? "<p><a href=\"/login\">Sign in</a></p>"
        return Page(title: "Home", content: """
            <h1>latch</h1>
            <p>An OAuth 2.1 authorization server.</p>
            \(who)
            <p class="muted">For developers: <a href="/.well-known/oauth-authorization-server">server metadata</a>.</p>
            """, signedIn: signedIn).response
    }
}
