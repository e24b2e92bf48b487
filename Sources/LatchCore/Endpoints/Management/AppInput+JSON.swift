/// The management API's JSON body of an app (`POST`, `PUT`): `{name, callback_url, icon?, scope?}`,
/// plus optional `redirect_uris` (more URIs besides `callback_url`). A `PUT` may send back an app
/// as `GET` shows it: `id` must then be the app's own, `token_endpoint_auth_method`,
/// `grant_types`, `origin` and `verified` its current ones, and `created_at` is ignored. Any other member is refused, so that a typo does not pass
/// silently. (`{"verified": …}` alone is the verify/unverify request, `AppsEndpoint`.)
extension AppInput {
    static let members: Set<String> = ["name", "callback_url", "redirect_uris", "icon", "scope",
                                       "id", "token_endpoint_auth_method", "created_at", "csrf_token",
                                       "grant_types", "origin", "verified"]

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
}
