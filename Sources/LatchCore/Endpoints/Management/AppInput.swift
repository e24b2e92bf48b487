/// The body of `POST` and `PUT /api/v2/oauth2-provider/apps…`: `{name, callback_url, icon?,
/// scope?}`, plus optional `redirect_uris` (more URIs besides `callback_url`). A `PUT` may send
/// back an app as `GET` shows it: `id` must then be the app's own, `token_endpoint_auth_method`
/// its current one, and `created_at` is ignored. Any other member is refused, so that a typo
/// does not pass silently.
struct AppInput {
    static let members: Set<String> = ["name", "callback_url", "redirect_uris", "icon", "scope",
                                       "id", "token_endpoint_auth_method", "created_at", "csrf_token"]

    var name: String
    var redirectURIs: [String]
    var icon: String?
    var scope: [String]

    static func parse(_ body: [(String, JSON)], definedScopes: [String], existing: Client?) throws(OAuthError) -> AppInput {
        let input = JSONMembers(body, code: .invalidClientMetadata)
        for name in input.names where !members.contains(name) { throw input.failure("unknown field '\(name)'") }
        guard let name = try input.string("name", maxLength: 200), !name.isEmpty else { throw input.failure("name is required") }
        guard let callback = try input.string("callback_url") else {
            throw OAuthError(.invalidRedirectURI, "callback_url is required")
        }
        var uris = [callback]
        for uri in try input.strings("redirect_uris") ?? [] where !uris.contains(uri) { uris.append(uri) }
        try JSONMembers.checkRedirectURIs(uris)
        let icon = try input.webURL("icon")
        let scope = try input.scopes("scope", defined: definedScopes)
        if let existing {
            if let id = try input.string("id", maxLength: 200), id != existing.clientID {
                throw input.failure("id does not match the app being replaced")
            }
            if let method = try input.string("token_endpoint_auth_method", maxLength: 100), method != existing.tokenEndpointAuthMethod {
                throw input.failure("token_endpoint_auth_method cannot be changed; create a new app")
            }
        }
        return AppInput(name: name, redirectURIs: uris, icon: icon, scope: scope)
    }
}
