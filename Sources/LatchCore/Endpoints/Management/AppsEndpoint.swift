/// The management API (README "Clients and admins"), JSON throughout, for admins only
/// (`AdminAuthentication`: admin token, or admin session + CSRF):
///
///     GET    /api/v2/oauth2-provider/apps                          200 [app]
///     POST   /api/v2/oauth2-provider/apps                          201 app
///     GET    /api/v2/oauth2-provider/apps/{id}                     200 app
///     PUT    /api/v2/oauth2-provider/apps/{id}                     200 app (or {"verified": true|false} alone)
///     DELETE /api/v2/oauth2-provider/apps/{id}                     204 (its codes and tokens die with it)
///     GET    /api/v2/oauth2-provider/apps/{id}/secrets             200 [secret]
///     POST   /api/v2/oauth2-provider/apps/{id}/secrets             201 {id, client_secret_full}
///     DELETE /api/v2/oauth2-provider/apps/{id}/secrets/{secretID}  204 (the secret stops working at once)
///
/// The credential is checked before anything else, so ids cannot be probed without it;
/// an unknown id is then 404 JSON.
public enum AppsEndpoint {
    static let base = "/api/v2/oauth2-provider/apps"

    public static let routes: [Route] = Route.collection(base, list: list, create: create, show: show, replace: replace,
                                                         delete: delete) + [
        Route(base + "/{id}/secrets", [
            "GET": { request, context in try listSecrets(request, context) },
            "POST": { request, context in try createSecret(request, context) },
        ]),
        Route(base + "/{id}/secrets/{secretID}", [
            "DELETE": { request, context in try deleteSecret(request, context) },
        ]),
    ]

    /// The shared operations, for the admin the request authenticates.
    static func administration(_ request: Request, _ context: Context) throws -> AppAdministration {
        Administration(database: context.database, actor: try AdminAuthentication.actor(request, context)).apps
    }

    static func list(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        return .noStoreJSON(.array(try apps.list().map(AppJSON.make)))
    }

    /// Creates a confidential app (`client_secret_basic`; an admin-created app accepts both
    /// secret methods) for the grants it names (`grantTypes`). Its secrets are created separately.
    static func create(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        let input = try AppInput.parse(body, definedScopes: try apps.definedScopes(), existing: nil)
        return .noStoreJSON(AppJSON.make(try apps.create(input, grantTypes: try grantTypes(body))), status: 201)
    }

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        return .noStoreJSON(AppJSON.make(try apps.app(request.pathParameters["id"] ?? "")))
    }

    /// Replaces name, callback URL(s), icon and scope; grant types, authentication method and
    /// secrets are kept. A body holding only `"verified": true|false` (and, for a session, the
    /// `csrf_token`) verifies or un-verifies the app and changes nothing else
    /// (`AppAdministration.setVerified`).
    static func replace(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        let client = try apps.app(request.pathParameters["id"] ?? "")
        let body = try request.jsonObject(invalid: .invalidClientMetadata)
        if let verified = try verifiedOnly(body) {
            return .noStoreJSON(AppJSON.make(try apps.setVerified(client.clientID, verified)))
        }
        let input = try AppInput.parse(body, definedScopes: try apps.definedScopes(), existing: client)
        return .noStoreJSON(AppJSON.make(try apps.update(client, with: input)))
    }

    /// `grant_types` of a new app: without the member the authorization code grant (with
    /// refresh); with it, exactly the grants it names (RFC 7591 §2: the grant types the client
    /// will use), `client_credentials` alone included. `refresh_token` needs `authorization_code`.
    static func grantTypes(_ body: [(String, JSON)]) throws(OAuthError) -> [String] {
        let members = JSONMembers(body, code: .invalidClientMetadata)
        guard let named = try members.strings("grant_types", maxLength: 100) else { return ["authorization_code", "refresh_token"] }
        var grants: [String] = []
        for grant in named {
            guard ClientMetadata.supportedGrantTypes.contains(grant) else {
                throw members.failure("grant type '\(grant)' is not supported")
            }
            if !grants.contains(grant) { grants.append(grant) }
        }
        if grants.isEmpty { throw members.failure("grant_types must name at least one grant type") }
        if grants.contains("refresh_token") && !grants.contains("authorization_code") {
            throw members.failure("grant type refresh_token is only available together with authorization_code")
        }
        return grants
    }

    /// The `verified` of a body that holds only it (besides `csrf_token`); nil for any other body.
    static func verifiedOnly(_ body: [(String, JSON)]) throws(OAuthError) -> Bool? {
        let members = body.filter { $0.0 != "csrf_token" }
        guard members.count == 1, members[0].0 == "verified" else { return nil }
        guard case .bool(let verified) = members[0].1 else {
            throw OAuthError(.invalidClientMetadata, "verified must be true or false")
        }
        return verified
    }

    static func delete(_ request: Request, _ context: Context) throws -> Response {
        try administration(request, context).delete(request.pathParameters["id"] ?? "")
        return .empty(204, headers: [("Cache-Control", "no-store")])
    }

    static func listSecrets(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        let client = try apps.app(request.pathParameters["id"] ?? "")
        return .noStoreJSON(.array(try apps.secrets(of: client).map(AppJSON.secret)))
    }

    static func createSecret(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        let secret = try apps.createSecret(for: try apps.app(request.pathParameters["id"] ?? ""))
        return .noStoreJSON(["id": .string(secret.id), "client_secret_full": .string(secret.value)], status: 201)
    }

    static func deleteSecret(_ request: Request, _ context: Context) throws -> Response {
        let apps = try administration(request, context)
        let client = try apps.app(request.pathParameters["id"] ?? "")
        try apps.deleteSecret(request.pathParameters["secretID"] ?? "", of: client)
        return .empty(204, headers: [("Cache-Control", "no-store")])
    }
}
