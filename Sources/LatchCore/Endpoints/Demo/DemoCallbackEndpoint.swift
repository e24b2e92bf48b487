/// `GET /demo/callback`: the redirect URI of the demo app `deploy/demo` creates. It shows
/// what the app received (code and state, or the error) and the shell commands that exchange
/// the code for tokens and call `/api/v2/users/me` with the access token, so a newcomer goes
/// from sign-in to an API call by pasting two blocks (README "Try it by hand").
///
/// The command is offered only for a well-formed latch code: anything else a link might put
/// into `code` is shown as text and never placed in a shell line someone would paste.
///
/// README "Deployment behind nginx": the page exists only when `LATCH_DEMO=true` (the local
/// stack sets it); in production it is `404` like any unknown path.
public enum DemoCallbackEndpoint {
    public static let routes: [Route] = [
        Route("/demo/callback", ["GET": { request, context in try show(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        guard context.configuration.demo else { return OAuthError.notFound("no such endpoint").response }
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
        let issuer = context.configuration.issuer
        return Page(title: "Demo callback", content: """
            <h1>The demo app received a code</h1>
            <p>code: <code id="code">\(code)</code></p>
            \(stateLine(value("state")))
            <h2>1. Exchange the code for tokens</h2>
            <p>Once, within \(context.configuration.codeLifetime / 60) minutes. latch does not hold the demo app's secret
            (only a hash of it), so this page cannot do it for you: in a shell, load the app's secret and the PKCE verifier
            with <code>. .stack/demo.env</code> (<code>deploy/stack up</code> printed its path), then paste</p>
            <pre id="curl">\(command(code: code, issuer: issuer))</pre>
            <p>The answer is the app's tokens: <code>access_token</code>, <code>refresh_token</code>, <code>expires_in</code>,
            <code>scope</code>.</p>
            <h2>2. Call the API with the access token</h2>
            <p>In the same shell:</p>
            <pre id="me">\(meCommand(issuer: issuer))</pre>
            <p>The answer names you: <code>{"id":…,"username":…}</code>.</p>
            <h2>3. Revoke it</h2>
            <p>The demo app is now on <a href="/account/apps">Your apps</a>. Revoke it there and run step 2 again:
            the token no longer works (<code>401</code>).</p>
            """, signedIn: try BrowserSession.current(request, context), width: .wide).response
    }

    static func stateLine(_ state: String?) -> HTML {
        state.map { "<p>state: <code id=\"state\">\($0)</code></p>" } ?? .empty
    }

    /// The token request, with the secret and verifier left to the shell (the server has neither).
    /// The answer is printed and kept in `$TOKENS` for the next step.
    static func command(code: String, issuer: String) -> String {
        """
        TOKENS=$(curl -s -u "$LATCH_DEMO_CLIENT_ID:$LATCH_DEMO_CLIENT_SECRET" \\
          -d grant_type=authorization_code \\
          -d code=\(code) \\
          -d code_verifier="$LATCH_DEMO_CODE_VERIFIER" \\
          --data-urlencode redirect_uri=\(issuer)/demo/callback \\
          \(issuer)/oauth2/tokens); echo "$TOKENS"
        """
    }

    /// `GET /api/v2/users/me` with the access token from `$TOKENS`.
    static func meCommand(issuer: String) -> String {
        """
        ACCESS_TOKEN=$(printf '%s' "$TOKENS" | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
        curl -s -H "Authorization: Bearer $ACCESS_TOKEN" \(issuer)/api/v2/users/me; echo
        """
    }
}
