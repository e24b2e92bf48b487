/// An app's client secrets in the console: listed by prefix and last use (never the secret),
/// created (the page shows the new secret this once), revoked (it stops working at once).
enum SecretPages {
    /// The secrets part of an app's page.
    static func section(_ client: Client, secrets: [ClientSecretInfo], csrfToken: String) -> HTML {
        guard !client.isPublic else {
            return "<h2>Client secrets</h2><p class=\"muted\">A public client has no secrets: it proves itself with PKCE.</p>"
        }
        let rows: [HTML] = secrets.map { secret in
            """
            <tr data-secret-id="\(secret.id)"><td><code>\(secret.truncated)</code></td><td>\(HTML.time(secret.createdAt))</td>
            <td>\(HTML.time(secret.lastUsedAt, never: "never"))</td>
            <td><form class="inline" method="post" action="\(AppPages.path(client))/secrets/\(Parameters.encode(secret.id))/revoke">\
            \(Form.csrf(csrfToken))<button type="submit" class="danger">Revoke</button></form></td></tr>
            """
        }
        let table: HTML = secrets.isEmpty
            ? "<p class=\"muted\" id=\"no-secrets\">No secrets: the app cannot authenticate until you create one.</p>"
            : """
              <table class="secrets"><thead><tr><th>Secret</th><th>Created</th><th>Last used</th><th></th></tr></thead>
              <tbody>\(rows)</tbody></table>
              """
        return """
            <h2>Client secrets</h2>
            \(table)
            <form method="post" action="\(AppPages.path(client))/secrets">\(Form.csrf(csrfToken))
            <div class="actions"><button type="submit" class="primary">Create a secret</button></div></form>
            """
    }

    /// `POST /admin/apps/{id}/secrets`: mints a secret and shows it once. The page is the only
    /// place it ever appears (latch keeps a hash); reloading it would post again and make
    /// another secret, so it is never cached and says so.
    ///
    /// The copy button: the secret sits in a read-only text field that anyone can select and
    /// copy, with or without JavaScript. The button is `hidden` in the markup and shown by
    /// `/admin/copy.js` (`CopyScript`), a same-origin file, allowed by `script-src 'self'` on
    /// this page only — the CSP allows no inline script anywhere. Without JavaScript there is
    /// no dead button, just the field and the hint.
    static func create(_ console: Console) throws -> Response {
        _ = try console.form()
        let client = try console.app()
        let secret = try console.apps.createSecret(for: client)
        var response = console.page("New secret for \(client.name)", .apps, """
            <h1>New secret for <span class="app-name">\(client.name)</span></h1>
            <p class="notice" role="status"><strong>Copy it now: it is shown this once.</strong> latch keeps only a hash of it;
            if it is lost, create another one and revoke this one.</p>
            <label for="secret">Client secret</label>
            <input type="text" id="secret" class="secret" value="\(secret.value)" readonly autocomplete="off" spellcheck="false">
            <div class="actions"><button type="button" id="copy" data-copy="secret" hidden>Copy</button>
            <span class="muted" id="copy-hint">Select the field and copy it (Ctrl+C or ⌘C).</span></div>
            <dl class="fields" style="margin-top:1.5rem">
            <dt>client_id</dt><dd><code id="client-id">\(client.clientID)</code></dd>
            <dt>Secret id</dt><dd><code>\(secret.id)</code></dd>
            <dt>Use it</dt><dd>HTTP Basic (<code>client_secret_basic</code>) or <code>client_secret</code> in the form
            (<code>client_secret_post</code>) at <code>/oauth2/tokens</code>.</dd>
            </dl>
            <p><a class="button" href="\(AppPages.path(client))">Done</a></p>
            <script src="\(CopyScript.path)"></script>
            """).response
        response.setHeader("Content-Security-Policy", CopyScript.pageContentSecurityPolicy)
        return response
    }

    /// `POST /admin/apps/{id}/secrets/{secretID}/revoke`.
    static func revoke(_ console: Console) throws -> Response {
        _ = try console.form()
        let client = try console.app()
        try console.apps.deleteSecret(console.request.pathParameters["secretID"] ?? "", of: client)
        return Console.seeOther(AppPages.path(client), notice: "secret-revoked")
    }
}
