/// `GET /demo/callback`: the redirect URI of the demo app `deploy/demo` creates. It shows
/// what the app received (code and state, or the error) and the command that exchanges the
/// code, so a newcomer can go from sign-in to tokens by copying one line.
///
/// The command is offered only for a well-formed latch code: anything else a link might put
/// into `code` is shown as text and never placed in a shell line someone would paste.
public enum DemoCallbackEndpoint {
    public static let routes: [Route] = [
        Route("/demo/callback", ["GET": { request, context in show(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) -> Response {
        guard let parameters = try? request.queryParameters() else {
            return ErrorPage.response(status: 400, title: "Demo callback", message: "The callback's query string is malformed.")
        }
        func value(_ name: String) -> String? { (try? parameters.single(name)) ?? nil }
        if let error = value("error") {
            return Page(title: "Demo callback", content: """
                <h1>The app got an error</h1>
                <p class="error"><code>\(error)</code>: \(value("error_description") ?? "")</p>
                \(stateLine(value("state")))
                <p><a href="/">Start again</a></p>
                """).response
        }
        guard let code = value("code") else {
            return ErrorPage.response(status: 400, title: "Demo callback", message: "No code arrived.")
        }
        guard Credential.parse(code, as: .authorizationCode) != nil else {
            return Page(title: "Demo callback", content: """
                <h1>That is not a latch code</h1><p><code>\(code)</code></p>
                """, status: 400).response
        }
        return Page(title: "Demo callback", content: """
            <h1>The demo app received a code</h1>
            <p>code: <code id="code">\(code)</code></p>
            \(stateLine(value("state")))
            <p>Exchange it once, within \(context.configuration.codeLifetime / 60) minutes: in a shell, load the demo app's
            secret and PKCE verifier with <code>. .stack/demo.env</code> (<code>deploy/stack up</code> printed its path), then run</p>
            <pre id="curl">\(command(code: code, issuer: context.configuration.issuer))</pre>
            """, width: .wide).response
    }

    static func stateLine(_ state: String?) -> HTML {
        state.map { "<p>state: <code id=\"state\">\($0)</code></p>" } ?? .empty
    }

    /// The token request, with the secret and verifier left to the shell (the server has neither).
    static func command(code: String, issuer: String) -> String {
        """
        curl -s -u "$LATCH_DEMO_CLIENT_ID:$LATCH_DEMO_CLIENT_SECRET" \\
          -d grant_type=authorization_code \\
          -d code=\(code) \\
          -d code_verifier="$LATCH_DEMO_CODE_VERIFIER" \\
          --data-urlencode redirect_uri=\(issuer)/demo/callback \\
          \(issuer)/oauth2/tokens
        """
    }
}
