import LatchCore

FastCGIServer.main(
    executable: "latch-register",
    serves: "Serves POST /oauth2/register, GET/PUT/DELETE /oauth2/clients/{client_id} and /api/v2/oauth2-provider/apps….",
    routes: Router([RegistrationEndpoint.routes, AppsEndpoint.routes])
)
