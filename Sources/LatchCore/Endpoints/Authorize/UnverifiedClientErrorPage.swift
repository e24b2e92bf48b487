/// An authorization-request error of an *unverified* client, shown instead of sent
/// (README "The client trust model", RFC 9700 §4.11.2): a self-registered client's redirect URI
/// is whatever its registrant chose, so redirecting to it at once would make latch an open
/// redirector ("Sign in with Google" → `https://evil.example/landing`). Every error after the
/// client and redirect URI were checked and before the person saw a latch page becomes a `400`
/// HTML page that names the error and the destination host, with a link that continues to the
/// client with `error`, `error_description`, `state` and `iss`. Verified clients get the
/// redirect directly.
enum UnverifiedClientErrorPage {
    static func response(_ target: RedirectTarget, _ error: OAuthError, issuer: String, signedIn: SignedIn?) -> Response {
        let host = ConsentPage.destinationHost(target.redirectURI)
        var response = Page(title: "This request cannot be completed", content: """
            <h1>The sign-in request of <span class="app-name">\(target.client.name)</span> cannot be completed</h1>
            <p class="error">Error <code class="error-code">\(error.code.rawValue)</code>: \(error.description)</p>
            <p>This app is <strong class="unverified">unverified</strong>: the admins of this server have not checked who runs it.
            Going back to it sends you to <strong class="destination-host">\(host)</strong>.</p>
            <p><a class="button" id="continue" rel="noreferrer" href="\(target.location(error, issuer: issuer))">Continue to \(host)</a></p>
            """, signedIn: signedIn, status: 400).response
        response.logClientID = target.client.clientID
        response.logErrorCode = error.code.rawValue
        return response
    }
}

extension RedirectTarget {
    /// An authorization-request error before consent: by redirect for a verified client,
    /// through `UnverifiedClientErrorPage` for an unverified one.
    func answer(_ error: OAuthError, issuer: String, signedIn: SignedIn?) -> Response {
        client.verified ? redirect(error, issuer: issuer) : UnverifiedClientErrorPage.response(self, error, issuer: issuer, signedIn: signedIn)
    }
}
