/// An app's editable fields — name, redirect URIs, icon, scope — checked by the one set of rules
/// every way an admin creates or edits an app shares (`checked(…)`): the management API's JSON
/// body (`AppInput+JSON.swift`), the admin console's form (`AppInput+Form.swift`) and
/// `latchctl app create` (`AppAdministration.create(name:…)`) each read their own wire shape and
/// hand the values to `checked(…)`. Outside the core only `checked(…)` makes one, so every
/// `AppInput` an operation of `AppAdministration` receives has passed the rules.
public struct AppInput: Equatable, Sendable {
    static let maxNameLength = ClientName.maxScalars
    static let maxURILength = 2000
    /// Redirect URIs besides the callback URL.
    static let maxMoreRedirectURIs = 20

    public private(set) var name: String
    /// The callback URL first, then the others, without duplicates.
    public private(set) var redirectURIs: [String]
    public private(set) var icon: String?
    public private(set) var scope: [String]

    init(name: String, redirectURIs: [String], icon: String?, scope: [String]) {
        self.name = name
        self.redirectURIs = redirectURIs
        self.icon = icon
        self.scope = scope
    }

    /// The shared rules. Errors: `invalid_redirect_uri` for a missing or refused redirect URI
    /// (`RedirectURI.problem`, the one validator), `invalid_client_metadata` for anything else.
    /// An empty icon or scope means none.
    public static func checked(name: String?, callbackURL: String?, moreRedirectURIs: [String], icon: String?, scope: String?,
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
public enum AppType: String, CaseIterable, Sendable {
    /// A server-side app with client secrets, for the authorization code grant.
    case confidential
    /// The same, also allowed the client_credentials grant (a token for the app itself).
    case confidentialWithClientCredentials = "confidential+client_credentials"
    /// A native app or SPA: no secret, PKCE only (`token_endpoint_auth_method=none`).
    case `public`
}
