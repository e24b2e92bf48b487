/// The management API's resources (README "Clients and admins"; README "Scopes and resources"), JSON, for admins
/// only (`AdminAuthentication`, as the apps API):
///
///     GET    /api/v2/oauth2-provider/resources        200 [resource]
///     POST   /api/v2/oauth2-provider/resources        201 resource
///     GET    /api/v2/oauth2-provider/resources/{id}   200 resource
///     PUT    /api/v2/oauth2-provider/resources/{id}   200 resource
///     DELETE /api/v2/oauth2-provider/resources/{id}   204
///
/// The credential is checked before anything else; an unknown id is then 404 JSON.
public enum ResourcesEndpoint {
    static let base = "/api/v2/oauth2-provider/resources"

    public static let routes: [Route] = Route.collection(base, list: list, create: create, show: show, replace: replace,
                                                         delete: delete)

    static func administration(_ request: Request, _ context: Context) throws -> ResourceAdministration {
        Administration(database: context.database, actor: try AdminAuthentication.actor(request, context))
            .resources(own: context.configuration.ownResource)
    }

    static func list(_ request: Request, _ context: Context) throws -> Response {
        let resources = try administration(request, context)
        let defined = try resources.definedScopes()
        return .noStoreJSON(.array(try resources.list().map { ResourceJSON.make($0, defined: defined) }))
    }

    static func create(_ request: Request, _ context: Context) throws -> Response {
        let resources = try administration(request, context)
        let defined = try resources.definedScopes()
        let input = try ResourceInput.parse(try request.jsonObject(invalid: .invalidRequest), defined: defined, existing: nil)
        return .noStoreJSON(ResourceJSON.make(try resources.create(input), defined: defined), status: 201)
    }

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let resources = try administration(request, context)
        return .noStoreJSON(ResourceJSON.make(try resources.resource(request.pathParameters["id"] ?? ""),
                                              defined: try resources.definedScopes()))
    }

    static func replace(_ request: Request, _ context: Context) throws -> Response {
        let resources = try administration(request, context)
        let defined = try resources.definedScopes()
        let current = try resources.resource(request.pathParameters["id"] ?? "")
        let input = try ResourceInput.parse(try request.jsonObject(invalid: .invalidRequest), defined: defined, existing: current)
        return .noStoreJSON(ResourceJSON.make(try resources.update(current, with: input), defined: defined))
    }

    static func delete(_ request: Request, _ context: Context) throws -> Response {
        let resources = try administration(request, context)
        try resources.delete(try resources.resource(request.pathParameters["id"] ?? ""))
        return .empty(204, headers: [("Cache-Control", "no-store")])
    }
}
