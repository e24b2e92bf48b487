import LatchCore

FastCGIServer.main(
    executable: "latch-discovery",
    serves: "Serves GET /.well-known/oauth-authorization-server and /.well-known/oauth-protected-resource.",
    routes: Router([DiscoveryEndpoint.routes])
)
