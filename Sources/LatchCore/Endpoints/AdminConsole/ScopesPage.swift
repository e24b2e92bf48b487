/// The console's scopes page: the scopes this deployment defines, and a form that adds one (or
/// changes the description of an existing one) through the operation `latchctl scope add` uses
/// (`ScopeAdministration`, rules `ScopeStore.problem`). Each scope shows whether it is *open*
/// (grantable to unverified apps, README "Scopes and resources"), and the form sets it.
enum ScopesPage {
    static func show(_ console: Console) throws -> Response {
        try page(console, name: "", description: "")
    }

    static func add(_ console: Console) throws -> Response {
        let fields = try console.form()
        let name = try fields.single("name")?.trimmingSpaces() ?? ""
        let description = try fields.single("description")?.trimmingSpaces() ?? ""
        // The form shows what is wrong next to the fields; the operation checks it again.
        if let problem = ScopeStore.problem(name: name, description: description) {
            return try page(console, name: name, description: description, error: problem)
        }
        try console.scopes.define(name: name, description: description, open: try fields.single("open") == "on")
        return Console.seeOther("/admin/scopes", notice: "saved")
    }

    static func page(_ console: Console, name: String, description: String, error: String? = nil) throws -> Response {
        let scopes = try console.scopes.list()
        let rows: [HTML] = scopes.map {
            "<tr><td><code class=\"scope-name\">\($0.name)</code></td><td class=\"scope-open\">\($0.open ? "open" : "verified apps only")</td><td>\($0.description)</td></tr>"
        }
        let table: HTML = scopes.isEmpty
            ? "<p class=\"muted\">No scopes are defined: apps get tokens without scopes.</p>"
            : "<table class=\"scopes\"><thead><tr><th>Scope</th><th>Who may get it</th><th>What it means (shown on consent)</th></tr></thead><tbody>\(rows)</tbody></table>"
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? .empty
        return console.page("Scopes", .scopes, status: error == nil ? 200 : 400, """
            <h1>Scopes</h1>
            \(try console.notice(["saved": "Scope saved."]))
            \(table)
            <h2>Add a scope</h2>
            \(message)
            <form method="post" action="/admin/scopes" class="scope-form">
            <label for="scope-name">Name</label>
            <input type="text" id="scope-name" name="name" value="\(name)" maxlength="\(ScopeStore.maxNameLength)" required>
            <p class="muted">One scope token, e.g. <code>profile</code> or <code>files:read</code>. An existing name gets the new description.</p>
            <label for="scope-description">Description</label>
            <input type="text" id="scope-description" name="description" value="\(description)" maxlength="\(ScopeStore.maxDescriptionLength)">
            <label><input type="checkbox" name="open" id="scope-open"> Open: unverified (self-registered) apps may get it too</label>
            \(Form.csrf(console.signedIn.csrfToken))
            <div class="actions"><button type="submit" class="primary">Save scope</button></div>
            </form>
            """).response
    }
}
