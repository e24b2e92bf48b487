/// The admin console (README "Clients and admins"): server-rendered pages over the same operations as
/// the management API and `latchctl` (`AppAdministration`, `ScopeAdministration`), usable without
/// JavaScript. Admins only: anyone else signed in gets the `403` page, signed-out people go to
/// sign-in first. Every form carries the session's CSRF token (`403` without it).
///
/// The pages are `routes` below, served by latch-register (`RouteTable.register`; nginx sends
/// `/admin` there, which `RouteTableTests` checks): `/admin` and `/admin/` send on to
/// `/admin/apps`; a form that succeeds answers `303` to the app it changed (to the list after
/// a delete); a new secret is shown once, on the page that created it.
public enum AdminConsole {
    public static let routes: [Route] = [
        Route("/admin", ["GET": { request, context in try page(request, context) { _ in .redirect("/admin/apps", status: 303) } }]),
        Route("/admin/", ["GET": { request, context in try page(request, context) { _ in .redirect("/admin/apps", status: 303) } }]),
        Route("/admin/copy.js", ["GET": { _, _ in CopyScript.response }]),
        Route("/admin/apps", [
            "GET": { request, context in try page(request, context, AppPages.list) },
            "POST": { request, context in try page(request, context, AppPages.create) },
        ]),
        Route("/admin/apps/new", ["GET": { request, context in try page(request, context, AppPages.newForm) }]),
        Route("/admin/apps/{id}", [
            "GET": { request, context in try page(request, context, AppPages.show) },
            "POST": { request, context in try page(request, context, AppPages.update) },
        ]),
        Route("/admin/apps/{id}/edit", ["GET": { request, context in try page(request, context, AppPages.editForm) }]),
        Route("/admin/apps/{id}/delete", [
            "GET": { request, context in try page(request, context, AppPages.confirmDelete) },
            "POST": { request, context in try page(request, context, AppPages.delete) },
        ]),
        Route("/admin/apps/{id}/verify", ["POST": { request, context in try page(request, context, AppPages.verify) }]),
        Route("/admin/apps/{id}/secrets", ["POST": { request, context in try page(request, context, SecretPages.create) }]),
        Route("/admin/apps/{id}/secrets/{secretID}/revoke", [
            "POST": { request, context in try page(request, context, SecretPages.revoke) },
        ]),
        Route("/admin/scopes", [
            "GET": { request, context in try page(request, context, ScopesPage.show) },
            "POST": { request, context in try page(request, context, ScopesPage.add) },
        ]),
    ]

    /// Runs a console page for a signed-in admin (see `SignedInPage` for the rest).
    static func page(_ request: Request, _ context: Context, _ body: (Console) throws -> Response) throws -> Response {
        try SignedInPage.respond(request, context) { signedIn in
            guard signedIn.user.isAdmin else {
                throw PageExit(response: ErrorPage.response(
                    status: 403, title: "Admins only",
                    message: "The admin console is for admins. You can see the apps you allowed on “Your apps”.",
                    signedIn: signedIn))
            }
            let administration = Administration(database: context.database,
                                                actor: AdminActor(Administrator(signedIn), request: request, via: "admin_console"))
            return try body(Console(request: request, signedIn: signedIn, administration: administration, database: context.database))
        }
    }
}

/// What a console page works with: the request, the admin (as the actor of the shared
/// operations of `Administration/`), the shared app operations.
struct Console {
    enum Section { case apps, scopes }

    let request: Request
    let signedIn: SignedIn
    let administration: Administration
    let database: Database

    /// The shared app operations, for this admin.
    var apps: AppAdministration { administration.apps }

    /// The shared scope operations, for this admin.
    var scopes: ScopeAdministration { administration.scopes }

    /// The `{id}` of the path's app, which must exist (else the 404 page).
    func app() throws -> Client { try apps.app(request.pathParameters["id"] ?? "") }

    /// The fields of this `POST`, after its CSRF check.
    func form() throws -> Parameters { try SignedInPage.form(request, signedIn: signedIn) }

    /// A console page: the section tabs, then `content`.
    func page(_ title: String, _ section: Section, status: Int = 200, _ content: HTML) -> Page {
        func tab(_ name: String, _ href: String, _ current: Bool) -> HTML {
            current ? "<a class=\"current\" href=\"\(href)\" aria-current=\"page\">\(name)</a>" : "<a href=\"\(href)\">\(name)</a>"
        }
        return Page(title: title, content: """
            <nav class="tabs">\(tab("Apps", "/admin/apps", section == .apps))\(tab("Scopes", "/admin/scopes", section == .scopes))\
            <a class="button primary end" href="/admin/apps/new">New app</a></nav>
            \(content)
            """, signedIn: signedIn, status: status, width: .wide)
    }

    /// The fixed message a `?notice=` after a redirect names (never text from the request).
    func notice(_ messages: [String: String]) throws -> HTML {
        guard let key = try request.queryParameters().single("notice"), let message = messages[key] else { return .empty }
        return "<p class=\"notice\" role=\"status\">\(message)</p>"
    }

    /// `303` to a console page after a form did its work.
    static func seeOther(_ path: String, notice: String? = nil) -> Response {
        .redirect(notice.map { path + "?notice=" + Parameters.encode($0) } ?? path, status: 303)
    }
}
