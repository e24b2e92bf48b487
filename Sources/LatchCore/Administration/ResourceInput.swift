/// A resource as an admin describes it, checked by one set of rules whichever door it comes
/// through (management API JSON, `ResourceInput+JSON.swift`; `latchctl resource add`): README
/// "Scopes and resources". `ResourceAdministration` stores it.
/// - `resource`: an absolute URI without a fragment, stored in normal form (`ResourceIdentifier`);
/// - `name`: 1–200 Unicode scalars (as the table's CHECK counts them), no control characters;
/// - `scopes`: defined scopes it accepts; `default_scopes`: a subset of them;
/// - `token_format`: `opaque` (default) or `jwt`; `dpop_required`: a boolean (default false).
/// Anything else wrong: `400 invalid_request` naming it.
public struct ResourceInput: Sendable, Equatable {
    public var identifier: String
    public var name: String
    public var scopes: [String]
    public var defaultScopes: [String]
    public var tokenFormat: Resource.TokenFormat
    public var dpopRequired: Bool

    public static func make(identifier: String, name: String, scopes: [String], defaultScopes: [String],
                            tokenFormat: String, dpopRequired: Bool, defined: [String]) throws(OAuthError) -> ResourceInput {
        guard let normal = ResourceIdentifier.normalized(identifier) else {
            throw OAuthError.invalidRequest("resource must be an absolute URI without a fragment (at most \(ResourceIdentifier.maxLength) bytes)")
        }
        guard (1...200).contains(name.unicodeScalars.count),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw OAuthError.invalidRequest("name must be 1 to 200 Unicode scalars without control characters")
        }
        for scope in scopes where !defined.contains(scope) {
            throw OAuthError.invalidRequest("scope '\(scope)' is not defined on this server (latchctl scope add)")
        }
        for scope in defaultScopes where !scopes.contains(scope) && !ScopeStore.alwaysDefined.contains(scope) {
            throw OAuthError.invalidRequest("default scope '\(scope)' is not one of the resource's scopes")
        }
        guard let format = Resource.TokenFormat(rawValue: tokenFormat) else {
            throw OAuthError.invalidRequest("token_format must be opaque or jwt")
        }
        return ResourceInput(identifier: normal, name: name, scopes: scopes, defaultScopes: defaultScopes, tokenFormat: format,
                             dpopRequired: dpopRequired)
    }

    public func resource(id: String) -> Resource {
        Resource(id: id, identifier: identifier, name: name, scopes: scopes, defaultScopes: defaultScopes,
                 tokenFormat: tokenFormat, dpopRequired: dpopRequired)
    }
}
