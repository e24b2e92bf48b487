/// Scope strings (RFC 6749 §3.3): space-separated tokens of `%x21 / %x23-5B / %x5D-7E`.
public enum ScopeSet {
    public static func isValidToken(_ token: Substring) -> Bool {
        !token.isEmpty && token.utf8.allSatisfy { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
    }

    /// Splits a scope parameter; nil when it is malformed (bad characters, empty tokens
    /// from doubled or surrounding spaces). Duplicates are removed, order kept.
    public static func parse(_ text: String) -> [String]? {
        guard !text.isEmpty else { return [] }
        var result: [String] = []
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard isValidToken(token) else { return nil }
            let value = String(token)
            if !result.contains(value) { result.append(value) }
        }
        return result
    }

    /// A request's `scope` parameter, parsed; `invalid_scope` when it is malformed.
    public static func parseRequested(_ text: String) throws(OAuthError) -> [String] {
        guard let scopes = parse(text) else { throw OAuthError.invalidScope("the scope parameter is malformed") }
        return scopes
    }

    public static func format(_ scopes: [String]) -> String { scopes.joined(separator: " ") }

    /// Whether the stored scope `granted` (well-formed: written from a parsed one) holds
    /// `scope`: a look at its words, nothing parsed or copied.
    public static func holds(_ granted: String, _ scope: String) -> Bool {
        granted.split(separator: " ").contains { $0 == scope }
    }

    // Which scopes a request gets: `ScopePolicy`.
}
