/// The console's app pages: list, create, show, edit, delete. Fields are checked by
/// `AppInput` and stored by `AppAdministration`, exactly as the management API does.
enum AppPages {
    static let notices = [
        "created": "App created. Create a secret for it below (a public client has none).",
        "saved": "Changes saved.",
        "deleted": "The app was deleted: its secrets, codes and tokens no longer work.",
        "secret-revoked": "The secret was revoked: it no longer works.",
        "verified": "The app is verified: it may now do what verified apps do.",
        "unverified": "The app is no longer verified: it is limited as an unverified app again.",
    ]

    // MARK: List

    static func list(_ console: Console) throws -> Response {
        let clients = try console.apps.list()
        let grants = try GrantStore(database: console.database).activeGrantCounts()
        let rows: [HTML] = clients.map { client in
            """
            <tr data-client-id="\(client.clientID)">
            <td><a class="app-name" href="\(path(client))">\(client.name)</a></td>
            <td><code class="nowrap">\(client.clientID)</code></td>
            <td>\(uriList(client.redirectURIs))</td>
            <td>\(client.tokenEndpointAuthMethod)</td>
            <td>\(scopeText(client))</td>
            <td>\(HTML.date(client.createdAt))</td>
            <td class="grants">\(grants[client.clientID] ?? 0)</td>
            <td class="trust">\(trust(client))</td>
            </tr>
            """
        }
        let table: HTML = clients.isEmpty
            ? "<p class=\"muted\">No apps yet. <a href=\"/admin/apps/new\">Create one</a>.</p>"
            : """
              <table class="apps">
              <thead><tr><th>Name</th><th>client_id</th><th>Redirect URIs</th><th>Auth method</th><th>Scopes</th>\
              <th>Created</th><th>Active grants</th><th>Origin</th></tr></thead>
              <tbody>\(rows)</tbody>
              </table>
              """
        return console.page("Apps", .apps, """
            <h1>Apps</h1>
            \(try console.notice(notices))
            \(table)
            """).response
    }

    // MARK: Create

    static func newForm(_ console: Console) throws -> Response {
        try form(console, values: FormValues(), action: "/admin/apps", title: "New app")
    }

    static func create(_ console: Console) throws -> Response {
        let fields = try console.form()
        let values = FormValues(fields)
        do {
            guard let type = AppType(rawValue: try fields.single("type") ?? AppType.confidential.rawValue) else {
                throw OAuthError.invalidRequest("choose the kind of app")
            }
            let input = try AppInput.parse(form: fields, definedScopes: try console.apps.definedScopes())
            let client = try console.apps.create(input, type: type)
            return Console.seeOther(path(client), notice: "created")
        } catch let error as OAuthError where error.status == 400 {
            return try form(console, values: values, action: "/admin/apps", title: "New app", error: error.description)
        }
    }

    // MARK: Edit

    static func editForm(_ console: Console) throws -> Response {
        let client = try console.app()
        return try form(console, values: FormValues(client), action: path(client), title: "Edit \(client.name)", editing: client)
    }

    static func update(_ console: Console) throws -> Response {
        let fields = try console.form()
        let client = try console.app()
        do {
            let input = try AppInput.parse(form: fields, definedScopes: try console.apps.definedScopes())
            _ = try console.apps.update(client, with: input)
            return Console.seeOther(path(client), notice: "saved")
        } catch let error as OAuthError where error.status == 400 {
            return try form(console, values: FormValues(fields), action: path(client), title: "Edit \(client.name)",
                            editing: client, error: error.description)
        }
    }

    /// What the form shows: empty, an app's fields, or what was just sent back with an error.
    struct FormValues {
        var name = ""
        var redirectURIs = ""
        var icon = ""
        var scopes: [String] = []
        var type = AppType.confidential.rawValue

        init() {}

        init(_ client: Client) {
            name = client.name
            redirectURIs = client.redirectURIs.joined(separator: "\n")
            icon = client.icon ?? ""
            scopes = client.scope
        }

        init(_ fields: Parameters) {
            func value(_ name: String) -> String { fields.pairs.first { $0.name == name }?.value ?? "" }
            name = value("name")
            redirectURIs = value("redirect_uris")
            icon = value("icon")
            scopes = fields.pairs.filter { $0.name == "scope" }.map(\.value)
            type = value("type")
        }
    }

    static func form(_ console: Console, values: FormValues, action: String, title: String, editing: Client? = nil,
                     error: String? = nil) throws -> Response {
        let defined = try console.scopes.list()
        let scopeChoices: [HTML] = defined.map { scope in
            let checked: HTML = values.scopes.contains(scope.name) ? " checked" : .empty
            return """
                <label class="choice"><input type="checkbox" name="scope" value="\(scope.name)"\(checked)> \
                <span><code>\(scope.name)</code> <span class="muted">\(scope.description)</span></span></label>
                """
        }
        let scopes: HTML = defined.isEmpty
            ? "<p class=\"muted\">No scopes are defined yet (<a href=\"/admin/scopes\">add some</a>).</p>"
            : "\(scopeChoices)"
        let typeChoices: HTML
        if editing == nil {
            let kinds: [(AppType, HTML)] = [
                (.confidential, "Confidential: a server-side app with client secrets (authorization code grant)"),
                (.confidentialWithClientCredentials, "Confidential, also allowed the client_credentials grant (a token for the app itself)"),
                (.public, "Public: a native app or single-page app, no secret, PKCE only"),
            ]
            let radios: [HTML] = kinds.map { kind, label in
                let checked: HTML = values.type == kind.rawValue ? " checked" : .empty
                return "<label class=\"choice\"><input type=\"radio\" name=\"type\" value=\"\(kind.rawValue)\"\(checked)> \(label)</label>"
            }
            typeChoices = "<fieldset><legend>Kind of app</legend>\(radios)</fieldset>"
        } else {
            typeChoices = .empty
        }
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? .empty
        let cancel = editing.map(path) ?? "/admin/apps"
        return console.page(title, .apps, status: error == nil ? 200 : 400, """
            <h1>\(title)</h1>
            \(message)
            <form method="post" action="\(action)" class="app-form">
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="\(values.name)" maxlength="\(AppInput.maxNameLength)" required>
            <label for="redirect_uris">Redirect URIs</label>
            <textarea id="redirect_uris" name="redirect_uris" rows="3" required>\(values.redirectURIs)</textarea>
            <p class="muted">One per line; the first is the callback URL. <code>https</code> for any host, <code>http</code> only
            for loopback (<code>127.0.0.1</code>, <code>[::1]</code>, <code>localhost</code>), or an app's own scheme
            (<code>myapp://</code>); no fragment.</p>
            <label for="icon">Icon URL <span class="muted">(optional, https)</span></label>
            <input type="url" id="icon" name="icon" value="\(values.icon)">
            \(typeChoices)
            <fieldset><legend>Scopes it may ask for <span class="muted">(none ticked: any defined scope)</span></legend>
            \(scopes)</fieldset>
            \(Form.csrf(console.signedIn.csrfToken))
            <div class="actions"><button type="submit" class="primary">\(editing == nil ? "Create app" : "Save")</button>
            <a class="button" href="\(cancel)">Cancel</a></div>
            </form>
            """).response
    }

    // MARK: Show

    static func show(_ console: Console) throws -> Response {
        let client = try console.app()
        let secrets = try console.apps.secrets(of: client)
        let grants = try GrantStore(database: console.database).activeGrantCounts()[client.clientID] ?? 0
        let method: HTML = client.isPublic
            ? "<code>none</code> <span class=\"muted\">(public client: PKCE, no secret)</span>"
            : client.origin == .admin
                ? "<code>\(client.tokenEndpointAuthMethod)</code> <span class=\"muted\">(client_secret_post also accepted)</span>"
                : "<code>\(client.tokenEndpointAuthMethod)</code>"
        return console.page(client.name, .apps, """
            <div class="app">\(AppIcon.html(name: client.name, icon: client.icon))<div><h1 class="app-name">\(client.name)</h1>
            <div class="muted"><code id="client-id">\(client.clientID)</code></div></div></div>
            \(try console.notice(notices))
            <dl class="fields">
            <dt>client_id</dt><dd><code>\(client.clientID)</code></dd>
            <dt>Redirect URIs</dt><dd>\(uriList(client.redirectURIs))</dd>
            <dt>Auth method</dt><dd>\(method)</dd>
            <dt>Grant types</dt><dd>\(client.grantTypes.joined(separator: ", "))</dd>
            <dt>Scopes</dt><dd>\(scopeText(client))</dd>
            <dt>Icon</dt><dd>\(client.icon.map { "<code>\($0)</code>" as HTML } ?? "<span class=\"muted\">none</span>")</dd>
            <dt>Created</dt><dd>\(HTML.time(client.createdAt)) <span class="muted">(\(madeBy(client)))</span></dd>
            <dt>Origin</dt><dd class="origin"><code>\(client.origin.rawValue)</code></dd>
            <dt>Verified</dt><dd class="verified">\(client.verified ? "yes" : "no")\(verifyForm(client, csrfToken: console.signedIn.csrfToken))</dd>
            <dt>Active grants</dt><dd class="grants">\(grants)</dd>
            </dl>
            <div class="actions"><a class="button" href="\(path(client))/edit">Edit</a>
            <a class="button" href="\(path(client))/delete">Delete…</a></div>
            \(SecretPages.section(client, secrets: secrets, csrfToken: console.signedIn.csrfToken))
            """).response.withContentSecurityPolicy(images: AppIcon.sources([client.icon]))
    }

    // MARK: Verify

    /// `POST /admin/apps/{id}/verify` with `verified=true|false` (and the CSRF token):
    /// `AppAdministration.setVerified`, as the management API and `latchctl` do.
    static func verify(_ console: Console) throws -> Response {
        let fields = try console.form()
        let client = try console.app()
        let verified: Bool
        switch try fields.single("verified") {
        case "true"?: verified = true
        case "false"?: verified = false
        default: throw OAuthError.invalidRequest("verified must be true or false.")
        }
        // A refusal is the error page with the banner, as `SignedInPage` sends every `OAuthError`.
        try console.apps.setVerified(client.clientID, verified)
        return Console.seeOther(path(client), notice: verified ? "verified" : "unverified")
    }

    /// The button that verifies a dynamic or metadata app, or takes that back; none for an
    /// admin's app (always verified).
    static func verifyForm(_ client: Client, csrfToken: String) -> HTML {
        guard client.origin != .admin else { return " <span class=\"muted\">(made by an admin)</span>" }
        let label: HTML = client.verified ? "Unverify" : "Verify this app"
        return """
            <form method="post" action="\(path(client))/verify" class="inline">
            <input type="hidden" name="verified" value="\(client.verified ? "false" : "true")">
            \(Form.csrf(csrfToken))
            <button type="submit">\(label)</button>
            </form>
            """
    }

    // MARK: Delete

    static func confirmDelete(_ console: Console) throws -> Response {
        let client = try console.app()
        let grants = try GrantStore(database: console.database).activeGrantCounts()[client.clientID] ?? 0
        let secrets = try console.apps.secrets(of: client).count
        return console.page("Delete \(client.name)?", .apps, """
            <h1>Delete <span class="app-name">\(client.name)</span>?</h1>
            <p>Deleting <code>\(client.clientID)</code> cannot be undone. Its \(secrets) secret(s) and \(grants) active
            grant(s) end at once: every code and token it holds stops working, and people have to allow a new app.</p>
            <form method="post" action="\(path(client))/delete">
            \(Form.csrf(console.signedIn.csrfToken))
            <div class="actions"><button type="submit" class="danger">Delete this app</button>
            <a class="button" href="\(path(client))">Cancel</a></div>
            </form>
            """).response
    }

    static func delete(_ console: Console) throws -> Response {
        _ = try console.form()
        let client = try console.app()
        try console.apps.delete(client.clientID)
        return Console.seeOther("/admin/apps", notice: "deleted")
    }

    // MARK: Pieces

    static func path(_ client: Client) -> String { "/admin/apps/" + Parameters.encode(client.clientID) }

    static func uriList(_ uris: [String]) -> HTML {
        guard !uris.isEmpty else { return "<span class=\"muted\">none</span>" }
        return "<ul>\(uris.map { "<li><code>\($0)</code></li>" as HTML })</ul>"
    }

    /// Origin and verified flag, as every listing shows them.
    static func trust(_ client: Client) -> HTML {
        "<code>\(client.origin.rawValue)</code> \(client.verified ? "verified" : "<strong class=\"unverified\">unverified</strong>" as HTML)"
    }

    static func madeBy(_ client: Client) -> String {
        switch client.origin {
        case .admin: return "by an admin"
        case .dynamic: return "by dynamic registration"
        case .metadata: return "from a client metadata document"
        }
    }

    /// The app's registered scopes; with none, what it may ask for (README "Scopes and resources": every
    /// scope for a verified app, only the open ones for an unverified app).
    static func scopeText(_ client: Client) -> HTML {
        guard client.scope.isEmpty else { return "\(client.scope.map { "<code class=\"nowrap\">\($0)</code> " as HTML })" }
        return client.verified ? "<span class=\"muted\">any defined scope</span>" : "<span class=\"muted\">any open scope (unverified)</span>"
    }
}
