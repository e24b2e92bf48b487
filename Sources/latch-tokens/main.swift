import LatchCore

FastCGIServer.main(
    executable: "latch-tokens",
    serves: "Serves POST /oauth2/tokens, /oauth2/revoke, /oauth2/introspect, GET /oauth2/check and /api/v2/users/me.",
    routes: Router([TokenEndpoint.routes, ProtectedResourceEndpoints.routes])
)
