/// An app's editable fields — name, redirect URIs, icon, scope — checked by the one set of rules
/// every way an admin creates or edits an app shares: the management API's JSON body
/// (`parse(_:definedScopes:existing:)`) and the admin console's form (`parse(form:definedScopes:)`)
/// each read their own wire shape and hand the values to `checked(…)`.
///
/// JSON: `{name, callback_url, icon?, scope?}`, plus optional `redirect_uris` (more URIs besides
/// `callback_url`). A `PUT` may send back an app as `GET` shows it: `id` must then be the app's
/// own, `token_endpoint_auth_method`, `grant_types`, `origin` and `verified` its current ones,
/// and `created_at` is ignored. Any other member is refused, so that a typo does not pass
/// silently. (`{"verified": …}` alone is the verify/unverify request, `AppsEndpoint`.)
struct AppInput: Equatable {
    static let members: Set<String> = ["name", "callback_url", "redirect_uris", "icon", "scope",
                                       "id", "token_endpoint_auth_method", "created_at", "csrf_token",
                                       "grant_types", "origin", "verified"]
    static let maxNameLength = ClientName.maxScalars
    static let maxURILength = 2000
    /// Redirect URIs besides the callback URL.
    static let maxMoreRedirectURIs = 20

    var name: String
    /// The callback URL first, then the others, without duplicates.
    var redirectURIs: [String]
    var icon: String?
    var scope: [String]

    /// The shared rules. Errors: `invalid_redirect_uri` for a missing or refused redirect URI
    /// (`RedirectURI.problem`, the one validator), `invalid_client_metadata` for anything else.
    /// An empty icon or scope means none.
    static func checked(name: String?, callbackURL: String?, moreRedirectURIs: [String], icon: String?, scope: String?,
                        definedScopes: [String]) throws(OAuthError) -> AppInput {
        func failure(_ description: String) -> OAuthError { OAuthError(.invalidClientMetadata, description) }
        guard let name, !name.isEmpty else { throw failure("name is required") }
        _ = try ClientName.checked(name, field: "name")
        guard let callbackURL, !callbackURL.isEmpty else { throw OAuthError(.invalidRedirectURI, "callback_url is required") }
        guard moreRedirectURIs.count <= maxMoreRedirectURIs else {
            throw failure("redirect_uris has more than \(maxMoreRedirectURIs) entries")
        }
        var uris = [callbackURL]
        for uri in moreRedirectURIs where !uris.contains(uri) { uris.append(uri) }
        for uri in uris where uri.count > maxURILength {
            throw OAuthError(.invalidRedirectURI, "a redirect URI is longer than \(maxURILength) characters")
        }
        // Apps an admin makes are verified.
        try JSONMembers.checkRedirectURIs(uris, verified: true)
        var checkedIcon: String?
        if let icon, !icon.isEmpty {
            guard icon.count <= maxURILength, WebURL.isAcceptable(icon) else {
                throw failure("icon must be an absolute https URL without fragment")
            }
            checkedIcon = icon
        }
        var scopes: [String] = []
        if let scope {
            guard let parsed = ScopeSet.parse(scope) else { throw failure("scope is not a valid space-separated scope list") }
            for item in parsed where !definedScopes.contains(item) { throw failure("scope '\(item)' is not defined on this server") }
            scopes = parsed
        }
        return AppInput(name: name, redirectURIs: uris, icon: checkedIcon, scope: scopes)
    }

    /// The management API's JSON body.
    static func parse(_ body: [(String, JSON)], definedScopes: [String], existing: Client?) throws(OAuthError) -> AppInput {
        let input = JSONMembers(body, code: .invalidClientMetadata)
        for name in input.names where !members.contains(name) { throw input.failure("unknown field '\(name)'") }
        let checked = try checked(name: try input.string("name"), callbackURL: try input.string("callback_url"),
                                  moreRedirectURIs: try input.strings("redirect_uris", maxCount: maxMoreRedirectURIs) ?? [],
                                  icon: try input.string("icon"), scope: try input.string("scope"), definedScopes: definedScopes)
        if existing == nil {
            for name in ["origin", "verified"] where input.value(name) != nil {
                throw input.failure("\(name) is set by the server: an app an admin creates is an admin app, verified")
            }
        }
        if let existing {
            if let id = try input.string("id", maxLength: 200), id != existing.clientID {
                throw input.failure("id does not match the app being replaced")
            }
            if let method = try input.string("token_endpoint_auth_method", maxLength: 100), method != existing.tokenEndpointAuthMethod {
                throw input.failure("token_endpoint_auth_method cannot be changed; create a new app")
            }
            if let origin = try input.string("origin", maxLength: 100), origin != existing.origin.rawValue {
                throw input.failure("origin cannot be changed")
            }
            if let grants = try input.strings("grant_types", maxLength: 100), grants != existing.grantTypes {
                throw input.failure("grant_types cannot be changed here; create a new app")
            }
            if let verified = input.value("verified"), verified != .bool(existing.verified) {
                throw input.failure("to verify or un-verify an app, PUT a body holding only \"verified\"")
            }
        }
        return checked
    }

    /// The admin console's form: `name`, `redirect_uris` (one per line, the first is the
    /// callback URL), `icon`, and one `scope` field per ticked scope. Surrounding spaces and
    /// empty lines are dropped (a textarea adds them); a field given twice is refused.
    static func parse(form: Parameters, definedScopes: [String]) throws(OAuthError) -> AppInput {
        let name: String?, lines: [String], icon: String?
        do throws(HTTPError) {
            name = try form.single("name")?.trimmingSpaces()
            lines = (try form.single("redirect_uris") ?? "")
                .split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
                .map { $0.trimmingSpaces() }
                .filter { !$0.isEmpty }
            icon = try form.single("icon")?.trimmingSpaces()
        } catch {
            throw OAuthError(error)
        }
        let scopes = form.pairs.filter { $0.name == "scope" }.map(\.value).filter { !$0.isEmpty }
        return try checked(name: name, callbackURL: lines.first, moreRedirectURIs: Array(lines.dropFirst()), icon: icon,
                           scope: scopes.isEmpty ? nil : scopes.joined(separator: " "), definedScopes: definedScopes)
    }

    /// A new app made of these fields: confidential (`client_secret_basic`; an admin-created app
    /// accepts both secret methods) unless `type` says otherwise; `grantTypes`, when given
    /// (the management API's checked list), are its grants exactly.
    func newClient(type: AppType = .confidential, grantTypes: [String]? = nil) -> Client {
        var grants = ["authorization_code", "refresh_token"]
        if type == .confidentialWithClientCredentials { grants.append("client_credentials") }
        if let grantTypes { grants = grantTypes }
        return Client(clientID: ClientStore.newClientID(), name: name, icon: icon, callbackURL: redirectURIs[0],
                      redirectURIs: redirectURIs, scope: scope,
                      tokenEndpointAuthMethod: type == .public ? "none" : "client_secret_basic",
                      grantTypes: grants, origin: .admin)
    }

    /// `client` with these fields; grant types, authentication method and secrets are kept.
    func applied(to client: Client) -> Client {
        var client = client
        client.name = name
        client.callbackURL = redirectURIs[0]
        client.redirectURIs = redirectURIs
        client.icon = icon
        client.scope = scope
        return client
    }
}

/// What kind of client an admin creates.
enum AppType: String, CaseIterable, Sendable {
    /// A server-side app with client secrets, for the authorization code grant.
    case confidential
    /// The same, also allowed the client_credentials grant (a token for the app itself).
    case confidentialWithClientCredentials = "confidential+client_credentials"
    /// A native app or SPA: no secret, PKCE only (`token_endpoint_auth_method=none`).
    case `public`
}
