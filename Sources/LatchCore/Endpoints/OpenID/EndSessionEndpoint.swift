/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0; README "OpenID Connect"):
/// `GET /oauth2/logout?id_token_hint&post_logout_redirect_uri&state[&client_id]` shows a
/// confirmation page whose form (the session's CSRF token) `POST`s back here; that ends the
/// session and sends the browser to `post_logout_redirect_uri` with `state` — only to a URI the
/// client registered (`post_logout_redirect_uris`), byte for byte, never to another.
///
/// The client is named by the `aud` of `id_token_hint` (an ID token latch signed, checked
/// with its published keys; an expired one is fine, a forged one is refused) or by `client_id`;
/// both given, they must agree. Without a registered URI the person stays on latch's
/// "signed out" page. Nobody signed in: nothing to confirm, the redirect happens at once.
enum EndSessionEndpoint {
    static let routes: [Route] = [
        Route("/oauth2/logout", ["GET": { request, context in try show(request, context) },
                                 "POST": { request, context in try confirm(request, context) }]),
    ]

    /// Where to go after signing out, once checked.
    struct Destination {
        let clientID: String?
        let redirectURI: String?
        let state: String?

        /// `redirectURI` with `state`, or nil when there is none.
        var url: String? {
            guard let redirectURI else { return nil }
            guard let state else { return redirectURI }
            return redirectURI + (redirectURI.contains("?") ? "&" : "?") + Parameters.encode([("state", state)])
        }
    }

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let parameters = try request.queryParameters()
        try parameters.requireUniqueNames()
        let destination = try destination(parameters, idTokenHint: try parameters.single("id_token_hint"), context)
        guard let signedIn = try BrowserSession.current(request, context) else { return leave(destination, context) }
        return Page(title: "Sign out", content: """
            <h1>Sign out of latch?</h1>
            <p>Signed in as <strong>\(signedIn.user.username)</strong>. An app asks to end your latch session.</p>
            <form method="post" action="/oauth2/logout">\(Form.csrf(signedIn.csrfToken))
            \(Form.hidden("client_id", destination.clientID ?? ""))
            \(Form.hidden("post_logout_redirect_uri", destination.redirectURI ?? ""))
            \(Form.hidden("state", destination.state ?? ""))
            <div class="actions"><button type="submit" class="primary">Sign out</button></div></form>
            """, signedIn: signedIn).response
    }

    static func confirm(_ request: Request, _ context: Context) throws -> Response {
        let form = try request.browserFormParameters()
        try form.requireUniqueNames()
        guard let signedIn = try BrowserSession.cookieSession(request, context) else {
            return leave(try destination(form, idTokenHint: nil, context), context)
        }
        guard signedIn.isValidCSRF((try? form.single("csrf_token")) ?? nil) else {
            return ErrorPage.response(status: 403, title: "Not signed out",
                                      message: "The sign-out form did not come from this site.", signedIn: signedIn)
        }
        let destination = try destination(form, idTokenHint: nil, context)
        try SignInOperations(database: context.database, request: request).end(signedIn)
        return leave(destination, context)
    }

    /// The signed-out answer: `303` to the checked URI, else latch's page; the cookie cleared.
    static func leave(_ destination: Destination, _ context: Context) -> Response {
        let clearing = ("Set-Cookie", SessionCookie.clearing(configuration: context.configuration))
        if let url = destination.url { return .redirect(url, status: 303, headers: [clearing]) }
        return Page(title: "Signed out", content: """
            <h1>You are signed out</h1>
            <p>You can close this window, or <a href="/login">sign in again</a>.</p>
            """, headers: [clearing]).response
    }

    /// The client and redirect of the request, checked; a `400` page for anything that does
    /// not hold (never a redirect to an unchecked URI).
    static func destination(_ parameters: Parameters, idTokenHint: String?, _ context: Context) throws -> Destination {
        func refuse(_ message: String) -> PageError {
            PageError(OAuthError.invalidRequest(message), signedIn: nil)
        }
        var clientID = try parameters.single("client_id")
        if let hint = idTokenHint {
            guard let audience = try hintedClient(hint, context) else {
                throw refuse("id_token_hint is not an ID token this server issued.")
            }
            if let clientID, clientID != audience { throw refuse("client_id does not match the id_token_hint.") }
            clientID = audience
        }
        let state = try parameters.single("state")
        if let state, state.utf8.count > 1024 { throw refuse("state is too long.") }
        guard let uri = try parameters.single("post_logout_redirect_uri") else {
            return Destination(clientID: clientID, redirectURI: nil, state: nil)
        }
        guard let clientID, let client = try ClientStore(database: context.database).find(clientID) else {
            throw refuse("post_logout_redirect_uri needs the app that asks (id_token_hint or client_id).")
        }
        let registered = client.metadata["post_logout_redirect_uris"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard registered.contains(where: { RedirectURI.identical($0, uri) }) else {
            throw refuse("post_logout_redirect_uri is not one the app registered.")
        }
        return Destination(clientID: clientID, redirectURI: uri, state: state)
    }

    /// The `aud` (a single client) of an ID token latch signed with one of its published keys,
    /// for this issuer; expiry does not matter for a hint. nil for anything else.
    static func hintedClient(_ hint: String, _ context: Context) throws -> String? {
        guard let decoded = try? JWS.decode(hint, allowed: Set(JWSAlgorithm.allCases)), let kid = decoded.keyID,
              let stored = try SigningKeyRing.published(context).first(where: { $0.kid == kid }),
              let key = try? stored.publicJWK.verificationKey(),
              let claims = try? decoded.verified(with: key),
              claims["iss"]?.stringValue == context.configuration.issuer else { return nil }
        if let audience = claims["aud"]?.stringValue { return audience }
        if let audiences = claims["aud"]?.arrayValue, audiences.count == 1 { return audiences[0].stringValue }
        return nil
    }
}
