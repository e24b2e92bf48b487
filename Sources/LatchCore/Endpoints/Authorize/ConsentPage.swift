/// Authorize step 4: the consent page. It names the app (with its icon) and the signed-in
/// person, says what each scope means and where the browser goes next, and offers Allow and
/// Cancel in one form that carries the request and the session's CSRF token.
///
/// Headers: those of every browser page (`Response.html`: `frame-ancestors 'none'`,
/// `X-Frame-Options: DENY`, `no-store`, `no-referrer`), with the CSP's `form-action` naming
/// the redirect URI's scheme: browsers apply `form-action` to the redirect that answers the
/// form, so without it Allow and Cancel could not reach `jetbrains://`, `vscode://` or `myapp://`.
enum ConsentPage {
    static func response(_ authorization: AuthorizationRequest, signedIn: SignedIn) -> Response {
        let client = authorization.target.client
        let hidden = authorization.carried.map { Form.hidden($0.0, $0.1) }
        var response = Page(title: "Allow \(client.name)?", content: """
            <div class="app">\(icon(client))<div><h1>Allow <span class="app-name">\(client.name)</span> to use your account?</h1>
            <div class="muted">Signed in as <strong class="user">\(signedIn.user.username)</strong></div></div></div>
            \(scopeList(authorization))
            \(resourceNote(authorization))
            <p class="muted">Afterwards you will be sent to <code>\(authorization.target.redirectURI)</code>.</p>
            <form method="post" action="/oauth2/authorize">
            \(hidden)
            \(Form.csrf(signedIn.csrfToken))
            <div class="actions">
            <button type="submit" name="decision" value="allow" class="primary">Allow</button>
            <button type="submit" name="decision" value="cancel">Cancel</button>
            </div>
            </form>
            """, signedIn: signedIn).response
        response.setHeader("Content-Security-Policy", contentSecurityPolicy(redirectURI: authorization.target.redirectURI))
        return response
    }

    static func scopeList(_ authorization: AuthorizationRequest) -> HTML {
        guard !authorization.scopes.isEmpty else {
            return "<p>It asks for no scopes: it will learn your username and account id.</p>"
        }
        let items: [HTML] = authorization.scopes.map { scope in
            scope.description.isEmpty
                ? "<li><code>\(scope.name)</code></li>"
                : "<li><strong>\(scope.description)</strong> <span class=\"muted\">(<code>\(scope.name)</code>)</span></li>"
        }
        return "<p>It will be able to:</p><ul class=\"scopes\">\(items)</ul>"
    }

    static func resourceNote(_ authorization: AuthorizationRequest) -> HTML {
        let resource = authorization.resource
        return "<p class=\"muted\">Access is limited to <strong>\(resource.name)</strong> (<code>\(resource.identifier)</code>).</p>"
    }

    static func icon(_ client: Client) -> HTML { AppIcon.html(name: client.name, icon: client.icon) }

    static func contentSecurityPolicy(redirectURI: String) -> String {
        let scheme = RedirectURI.scheme(of: redirectURI) ?? "https"
        return "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self' \(scheme):; frame-ancestors 'none'; base-uri 'none'"
    }
}
