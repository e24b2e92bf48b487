/// What one FastCGI executable serves: its name and its routes, declared once here and used
/// by its `main.swift`, by the tests, and by the test that checks
/// `deploy/nginx/latch-locations.conf` against it (every path nginx sends to an executable is
/// in that executable's table, and every route of the table is reached by nginx).
public struct RouteTable: Sendable {
    public let executable: String
    public let router: Router

    /// Groups of routes (one per endpoint), merged: one path served by two endpoints (`POST`
    /// and `DELETE /oauth2/tokens`) is one route; a method declared twice for a path stops the
    /// program (`Router.merging`).
    init(executable: String, _ groups: [[Route]]) {
        self.executable = executable
        router = Router(merging: groups, errorStyle: RouteTable.errorStyle)
    }

    /// The `--help` line: each route with its methods.
    public var summary: String {
        "Serves " + router.routes.map { "\($0.handlers.keys.sorted().joined(separator: ",")) \($0.pattern)" }
            .joined(separator: ", ") + "."
    }

    /// How the request layer's failures are worded on a path: HTML error pages on the paths
    /// people open in a browser (sign-in and sign-out, the authorization endpoint's pages, the
    /// account and admin pages, the home page and the demo callback), OAuth JSON errors
    /// everywhere else. The same rule in every executable, so a path answers alike whichever
    /// one nginx sends it to.
    @Sendable static func errorStyle(_ path: String) -> any ErrorStyle {
        isBrowserPage(path) ? PageErrors() : OAuthErrors()
    }

    static func isBrowserPage(_ path: String) -> Bool {
        ["/", "/login", "/logout", "/oauth2/authorize", "/oauth2/logout", "/account", "/admin", "/demo/callback"].contains(path)
            || path.hasPrefix("/account/") || path.hasPrefix("/admin/")
    }
}

extension RouteTable {
    /// `latch-authorize`: the authorization endpoint, sign-in, the home page, the demo callback,
    /// "Your apps" and RP-initiated logout.
    public static let authorize = RouteTable(executable: "latch-authorize", [
        AuthorizeEndpoint.routes, LoginEndpoint.routes, HomePage.routes, DemoCallbackEndpoint.routes, AccountAppsPage.routes,
        EndSessionEndpoint.routes,
    ])

    /// `latch-tokens`: the token endpoint and everything that checks or ends a token.
    public static let tokens = RouteTable(executable: "latch-tokens", [
        TokenEndpoint.routes, UserRevocation.routes, RevocationEndpoint.routes, IntrospectionEndpoint.routes,
        ProtectedResourceEndpoints.routes, UserInfoEndpoint.routes,
    ])

    /// `latch-register`: registration, client configuration, the management API and the admin
    /// console.
    public static let register = RouteTable(executable: "latch-register", [
        RegistrationEndpoint.routes, AppsEndpoint.routes, ResourcesEndpoint.routes,
        AdminConsole.routes,
    ])

    /// `latch-discovery`: the metadata documents and the JWK Set.
    public static let discovery = RouteTable(executable: "latch-discovery", [DiscoveryEndpoint.routes, JWKSEndpoint.routes])

    /// Every FastCGI executable's table.
    public static let all: [RouteTable] = [authorize, tokens, register, discovery]
}
