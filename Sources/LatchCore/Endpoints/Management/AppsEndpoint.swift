/// The management API (CONTRACT "Management API"), JSON throughout, for admins only
/// (`AdminAuthentication`: admin token, or admin session + CSRF):
///
///     GET    /api/v2/oauth2-provider/apps                          200 [app]
///     POST   /api/v2/oauth2-provider/apps                          201 app
///     GET    /api/v2/oauth2-provider/apps/{id}                     200 app
///     PUT    /api/v2/oauth2-provider/apps/{id}                     200 app
///     DELETE /api/v2/oauth2-provider/apps/{id}                     204 (its codes and tokens die with it)
///     GET    /api/v2/oauth2-provider/apps/{id}/secrets             200 [secret]
///     POST   /api/v2/oauth2-provider/apps/{id}/secrets             201 {id, client_secret_full}
///     DELETE /api/v2/oauth2-provider/apps/{id}/secrets/{secretID}  204 (the secret stops working at once)
///
/// The credential is checked before anything else, so ids cannot be probed without it;
/// an unknown id is then 404 JSON.
public enum AppsEndpoint {
    static let base = "/api/v2/oauth2-provider/apps"

    public static let routes: [Route] = [
        Route(base, [
            "GET": { request, context in try list(request, context) },
            "POST": { request, context in try create(request, context) },
        ]),
        Route(base + "/{id}", [
            "GET": { request, context in try show(request, context) },
            "PUT": { request, context in try replace(request, context) },
            "DELETE": { request, context in try delete(request, context) },
        ]),
        Route(base + "/{id}/secrets", [
            "GET": { request, context in try listSecrets(request, context) },
            "POST": { request, context in try createSecret(request, context) },
        ]),
        Route(base + "/{id}/secrets/{secretID}", [
            "DELETE": { request, context in try deleteSecret(request, context) },
        ]),
    ]

    /// The app named by the path, else 404.
    static func app(_ request: Request, _ context: Context) throws -> Client {
        guard let client = try ClientStore(database: context.database).find(request.pathParameters["id"] ?? "") else {
            throw OAuthError.notFound("no app with this id")
        }
        return client
    }

    static func list(_ request: Request, _ context: Context) throws -> Response {
        _ = try AdminAuthentication.require(request, context)
        return .noStoreJSON(.array(try ClientStore(database: context.database).list().map(AppJSON.make)))
    }

    /// Creates a confidential app (`client_secret_basic`; an admin-created app accepts both
    /// secret methods) for the authorization code grant. Its secrets are created separately.
    static func create(_ request: Request, _ context: Context) throws -> Response {
        let admin = try AdminAuthentication.require(request, context)
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        let input = try AppInput.parse(body, definedScopes: try ScopeStore(database: context.database).names(), existing: nil)
        let client = try ClientStore(database: context.database).insert(Client(
            clientID: ClientStore.newClientID(), name: input.name, icon: input.icon, callbackURL: input.redirectURIs[0],
            redirectURIs: input.redirectURIs, scope: input.scope, origin: .admin))
        try admin.audit(.clientRegistered, clientID: client.clientID, detail: client.auditDetail(via: "management_api"), request, context)
        return .noStoreJSON(AppJSON.make(client), status: 201)
    }

    static func show(_ request: Request, _ context: Context) throws -> Response {
        _ = try AdminAuthentication.require(request, context)
        return .noStoreJSON(AppJSON.make(try app(request, context)))
    }

    /// Replaces name, callback URL(s), icon and scope; grant types, authentication method and
    /// secrets are kept.
    static func replace(_ request: Request, _ context: Context) throws -> Response {
        let admin = try AdminAuthentication.require(request, context)
        var client = try app(request, context)
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        let input = try AppInput.parse(body, definedScopes: try ScopeStore(database: context.database).names(), existing: client)
        client.name = input.name
        client.callbackURL = input.redirectURIs[0]
        client.redirectURIs = input.redirectURIs
        client.icon = input.icon
        client.scope = input.scope
        guard try ClientStore(database: context.database).update(client) else { throw OAuthError.notFound("no app with this id") }
        try admin.audit(.clientUpdated, clientID: client.clientID, detail: client.auditDetail(via: "management_api"), request, context)
        return .noStoreJSON(AppJSON.make(client))
    }

    static func delete(_ request: Request, _ context: Context) throws -> Response {
        let admin = try AdminAuthentication.require(request, context)
        guard try ClientStore(database: context.database).delete(request.pathParameters["id"] ?? "") else {
            throw OAuthError.notFound("no app with this id")
        }
        try admin.audit(.clientDeleted, clientID: request.pathParameters["id"] ?? "", detail: ["via": "management_api"], request, context)
        return .empty(204, headers: [("Cache-Control", "no-store")])
    }

    static func listSecrets(_ request: Request, _ context: Context) throws -> Response {
        _ = try AdminAuthentication.require(request, context)
        let client = try app(request, context)
        return .noStoreJSON(.array(try ClientStore(database: context.database).secrets(of: client.clientID).map(AppJSON.secret)))
    }

    static func createSecret(_ request: Request, _ context: Context) throws -> Response {
        let admin = try AdminAuthentication.require(request, context)
        let client = try app(request, context)
        guard !client.isPublic else { throw OAuthError.invalidRequest("this app is a public client: it has no secrets") }
        let secret = try ClientStore(database: context.database).createSecret(for: client.clientID)
        try admin.audit(.secretCreated, clientID: client.clientID, detail: ["secret_id": .string(secret.id)], request, context)
        return .noStoreJSON(["id": .string(secret.id), "client_secret_full": .string(secret.value)], status: 201)
    }

    static func deleteSecret(_ request: Request, _ context: Context) throws -> Response {
        let admin = try AdminAuthentication.require(request, context)
        let client = try app(request, context)
        guard try ClientStore(database: context.database).deleteSecret(request.pathParameters["secretID"] ?? "", of: client.clientID) else {
            throw OAuthError.notFound("no secret with this id for this app")
        }
        try admin.audit(.secretRevoked, clientID: client.clientID, detail: ["secret_id": .string(request.pathParameters["secretID"] ?? "")],
                        request, context)
        return .empty(204, headers: [("Cache-Control", "no-store")])
    }
}
