import LatchCore

FastCGIServer.main(
    executable: "latch-register",
    serves: "Serves POST /oauth2/register, GET/PUT/DELETE /oauth2/clients/{client_id}, /api/v2/oauth2-provider/apps…, /api/v2/oauth2-provider/resources… and the admin console (/admin/…).",
    routes: Router([RegistrationEndpoint.routes, AppsEndpoint.routes, ResourcesEndpoint.routes, AdminConsole.routes])
)
