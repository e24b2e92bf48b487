/// Typed reads of a JSON object's members for endpoints that take JSON bodies. A member that is
/// absent or `null` reads as nil; a member of the wrong type is a 400 with `code`.
public struct JSONMembers {
    public let members: [(String, JSON)]
    public let code: OAuthError.Code

    public init(_ members: [(String, JSON)], code: OAuthError.Code) {
        self.members = members
        self.code = code
    }

    public var names: [String] { members.map(\.0) }

    public func value(_ name: String) -> JSON? {
        guard let value = members.first(where: { $0.0 == name })?.1, value != .null else { return nil }
        return value
    }

    public func failure(_ description: String) -> OAuthError { OAuthError(code, description) }

    /// A string member of at most `maxLength` characters.
    public func string(_ name: String, maxLength: Int = 2000) throws(OAuthError) -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.stringValue else { throw failure("\(name) must be a string") }
        guard text.count <= maxLength else { throw failure("\(name) is longer than \(maxLength) characters") }
        return text
    }

    /// An array of strings with at most `maxCount` items, duplicates removed (order kept).
    public func strings(_ name: String, maxCount: Int = 20, maxLength: Int = 2000) throws(OAuthError) -> [String]? {
        guard let value = value(name) else { return nil }
        guard let items = value.arrayValue else { throw failure("\(name) must be an array of strings") }
        guard items.count <= maxCount else { throw failure("\(name) has more than \(maxCount) entries") }
        var result: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw failure("\(name) must be an array of strings") }
            guard text.count <= maxLength else { throw failure("an entry of \(name) is longer than \(maxLength) characters") }
            if !result.contains(text) { result.append(text) }
        }
        return result
    }

    /// An optional web URL (`logo_uri`, `client_uri`, an app's `icon`): absolute `https` (or
    /// `http` on a loopback host), no fragment. An empty string means absent.
    public func webURL(_ name: String) throws(OAuthError) -> String? {
        guard let text = try string(name), !text.isEmpty else { return nil }
        guard WebURL.isAcceptable(text) else { throw failure("\(name) must be an absolute https URL without fragment") }
        return text
    }

    /// A space-separated scope list whose every scope the deployment defines; empty means none.
    public func scopes(_ name: String, defined: [String]) throws(OAuthError) -> [String] {
        guard let text = try string(name) else { return [] }
        guard let scopes = ScopeSet.parse(text) else { throw failure("\(name) is not a valid space-separated scope list") }
        for scope in scopes where !defined.contains(scope) { throw failure("scope '\(scope)' is not defined on this server") }
        return scopes
    }

    /// Redirect URIs through the one validator (`RedirectURI.problem`), with the deny list of
    /// operating-system handler schemes for a client that is not `verified`:
    /// 400 `invalid_redirect_uri`.
    public static func checkRedirectURIs(_ uris: [String], verified: Bool) throws(OAuthError) {
        for uri in uris {
            if let problem = RedirectURI.problem(uri, verified: verified) { throw OAuthError(.invalidRedirectURI, problem.description) }
        }
    }
}
