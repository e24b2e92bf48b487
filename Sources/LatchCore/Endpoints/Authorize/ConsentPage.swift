/// Authorize step 4: the consent page. It names the app (with its icon) and the signed-in
/// person, says what each scope means and where the browser goes next, and offers Allow and
/// Cancel in one form that carries the request and the session's CSRF token.
///
/// An unverified app (README "The client trust model") never shows its own logo — anyone can
/// register "Sign in with Google" with Google's logo — only the first letter of its name, its
/// name with an "unverified" mark, and the host its redirect URI sends the browser to (for a
/// metadata client, the host of its `client_id` URL, which is who vouches for the document).
///
/// Headers: those of every browser page (`Response.html`: `frame-ancestors 'none'`,
/// `X-Frame-Options: DENY`, `no-store`, `no-referrer`), with the CSP's `form-action` naming
/// the one redirect URI's origin (`https://app.example`, `http://127.0.0.1:4567`) or, for a
/// custom scheme, its scheme (`jetbrains:`): browsers apply `form-action` to the redirect that
/// answers the form, so without it Allow and Cancel could not reach it — and nothing wider
/// (never `*`). `img-src` names only the shown icon's origin.
enum ConsentPage {
    static func response(_ authorization: AuthorizationRequest, signedIn: SignedIn) -> Response {
        let client = authorization.target.client
        let hidden = authorization.carried.map { Form.hidden($0.0, $0.1) }
        var response = Page(title: "Allow \(client.name)?", content: """
            <div class="app">\(icon(client))<div><h1>Allow <span class="app-name">\(client.name)</span>\(mark(authorization.target)) to use your account?</h1>
            <div class="muted">Signed in as <strong class="user">\(signedIn.user.username)</strong></div></div></div>
            \(unverifiedNote(authorization.target))
            \(deviceNote(authorization.target.client))
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
        response.setHeader("Content-Security-Policy", contentSecurityPolicy(redirectURI: authorization.target.redirectURI,
                                                                            icon: client.verified ? client.icon : nil))
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

    /// The app's logo only when it is verified; otherwise the letter.
    static func icon(_ client: Client) -> HTML { AppIcon.html(name: client.name, icon: client.verified ? client.icon : nil) }

    /// " (unverified) · host" after an unverified app's name.
    static func mark(_ target: RedirectTarget) -> HTML {
        guard !target.client.verified else { return .empty }
        return " <span class=\"unverified-mark\">(unverified)</span> <span class=\"muted\">·</span> <span class=\"app-host\">\(appHost(target))</span>"
    }

    static func unverifiedNote(_ target: RedirectTarget) -> HTML {
        guard !target.client.verified else { return .empty }
        return """
            <p class="warning">The admins of this server have not verified this app: its name is whatever its maker chose. \
            Allow it only if you expect <strong class="app-host">\(appHost(target))</strong> to use your account.</p>
            """
    }

    /// A metadata client whose every redirect URI is loopback (README "Client ID Metadata
    /// Documents"): the code can only reach a program on the person's own computer.
    static func deviceNote(_ client: Client) -> HTML {
        guard client.origin == .metadata, MetadataDocument.runsOnThisDevice(client.redirectURIs) else { return .empty }
        return "<p class=\"device-note\">This app <strong>runs on this device</strong>: it can only be sent back to a program on this computer.</p>"
    }

    /// Who the app is, as far as latch can tell: the host of a metadata client's `client_id`
    /// URL, else the host of the redirect URI the browser will go to.
    static func appHost(_ target: RedirectTarget) -> String {
        if target.client.origin == .metadata, MetadataClientID.looksLikeURL(target.client.clientID),
           let host = RedirectURI.host(of: target.client.clientID) {
            return host
        }
        return destinationHost(target.redirectURI)
    }

    /// The host a redirect URI sends the browser to: the authority's host of `scheme://host/…`
    /// URIs (custom schemes included), else the scheme itself (`com.example.app:`).
    static func destinationHost(_ uri: String) -> String {
        if let host = RedirectURI.host(of: uri), !host.isEmpty { return host }
        return (RedirectURI.scheme(of: uri) ?? uri) + ":"
    }

    static func contentSecurityPolicy(redirectURI: String, icon: String? = nil) -> String {
        Response.contentSecurityPolicy(images: AppIcon.sources([icon]), formTargets: [formTarget(redirectURI)])
    }

    /// The CSP source for the redirect URI: its origin for `http(s)`, else its scheme. (A host
    /// a host-source cannot name exactly — an IPv6 literal, a non-ASCII name — falls back to its
    /// scheme, `http:` or `https:`: still never `*`.)
    static func formTarget(_ redirectURI: String) -> String {
        if let origin = Origin.of(redirectURI) { return origin }
        return (RedirectURI.scheme(of: redirectURI) ?? "https") + ":"
    }
}
