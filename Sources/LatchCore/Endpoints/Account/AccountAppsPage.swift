/// "Your apps" (README "Clients and admins"): every signed-in person sees the apps they have allowed —
/// with the scopes, since when, and when each last obtained a token — and can revoke one.
///
///     GET  /account/apps          the list (signed out: 303 to sign-in first)
///     POST /account/apps/revoke   client_id + csrf_token: does what
///                                 `DELETE /oauth2/tokens?client_id=` does (`UserRevocation.revokeApp`),
///                                 then 303 back to the list
///
/// Served by latch-authorize (nginx sends `/account/` there), next to sign-in and consent.
public enum AccountAppsPage {
    public static let routes: [Route] = [
        Route("/account/apps", ["GET": { request, context in try show(request, context) }]),
        Route("/account/apps/revoke", ["POST": { request, context in try revoke(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        try SignedInPage.respond(request, context) { signedIn in
            let query = try request.queryParameters()
            let apps = try GrantStore(database: context.database).allowedApps(userID: signedIn.user.id)
            let descriptions = Dictionary(try ScopeStore(database: context.database).all().map { ($0.name, $0.description) },
                                          uniquingKeysWith: { first, _ in first })
            var notice: HTML = .empty
            // Only an app this person really revoked just now is named: never text from the link.
            if let revoked = try query.single("revoked"),
               let name = try GrantStore(database: context.database).recentlyRevokedAppName(userID: signedIn.user.id, clientID: revoked) {
                notice = "<p class=\"notice\" role=\"status\">You revoked <strong>\(name)</strong>: its tokens no longer work.</p>"
            }
            let list: HTML = apps.isEmpty
                ? "<p class=\"muted\" id=\"no-apps\">You have not allowed any apps, or you revoked them all.</p>"
                : "<ul class=\"allowed\">\(apps.map { item($0, descriptions: descriptions, csrfToken: signedIn.csrfToken) })</ul>"
            return Page(title: "Your apps", content: """
                <h1>Your apps</h1>
                \(notice)
                <p class="muted">Apps you allowed to use your account. Revoking one ends every sign-in it holds, on every
                device: its tokens stop working at once, and it has to ask you again.</p>
                \(list)
                """, signedIn: signedIn, width: .wide).response.withContentSecurityPolicy(images: AppIcon.sources(apps.map(\.shownIcon)))
        }
    }

    static func item(_ app: AllowedApp, descriptions: [String: String], csrfToken: String) -> HTML {
        let scopes: [HTML] = app.scope.map { scope in
            guard let description = descriptions[scope], !description.isEmpty else { return "<li><code>\(scope)</code></li>" }
            return "<li>\(description) <span class=\"muted\">(<code>\(scope)</code>)</span></li>"
        }
        let scopeList: HTML = scopes.isEmpty
            ? "<p class=\"can muted\">No scopes: it knows your username and account id.</p>"
            : "<p class=\"can\">It can:</p><ul class=\"scopes\">\(scopes)</ul>"
        return """
            <li class="allowed-app" data-client-id="\(app.clientID)">
            <div class="app">\(AppIcon.html(name: app.name, icon: app.shownIcon))<div><strong class="app-name">\(app.name)</strong>\(mark(app))
            <div class="muted">Allowed since \(HTML.time(app.since)) · last used \(HTML.time(app.lastUsedAt, never: "never"))</div></div>
            <form class="inline revoke" method="post" action="/account/apps/revoke">\(Form.hidden("client_id", app.clientID))\
            \(Form.csrf(csrfToken))<button type="submit" class="danger">Revoke</button></form></div>
            \(scopeList)
            </li>
            """
    }

    /// " (unverified) · host" after an unverified app's name, as on the consent page: its name
    /// is whatever its maker chose (README "The client trust model").
    static func mark(_ app: AllowedApp) -> HTML {
        guard !app.verified else { return .empty }
        return " <span class=\"unverified-mark\">(unverified)</span> <span class=\"muted\">·</span> <span class=\"app-host\">\(app.host)</span>"
    }

    static func revoke(_ request: Request, _ context: Context) throws -> Response {
        try SignedInPage.respond(request, context) { signedIn in
            let form = try SignedInPage.form(request, signedIn: signedIn)
            guard let clientID = try form.single("client_id") else { throw OAuthError.invalidRequest("client_id is required") }
            try UserRevocation.revokeApp(clientID, userID: signedIn.user.id,
                                         audit: AuditSource(actor: AuditActor.user(signedIn.user.username), request: request),
                                         database: context.database)
            return .redirect("/account/apps?" + Parameters.encode([("revoked", clientID)]), status: 303)
        }
    }
}
