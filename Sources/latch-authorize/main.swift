import LatchCore

FastCGIServer.main(
    executable: "latch-authorize",
    serves: "Serves GET,POST /oauth2/authorize, GET,POST /login, POST /logout, /, /demo/callback and /account/apps.",
    routes: Router([AuthorizeEndpoint.routes, LoginEndpoint.routes, HomePage.routes, DemoCallbackEndpoint.routes,
                    AccountAppsPage.routes])
)
