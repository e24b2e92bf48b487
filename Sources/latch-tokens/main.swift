import LatchCore

FastCGIServer.main(
    executable: "latch-tokens",
    serves: "Serves POST and DELETE /oauth2/tokens, POST /oauth2/revoke, /oauth2/introspect, GET /oauth2/check and /api/v2/users/me.",
    routes: Router(merging: [TokenEndpoint.routes, UserRevocation.routes, RevocationEndpoint.routes,
                             IntrospectionEndpoint.routes, ProtectedResourceEndpoints.routes])
)
