extension AppInput {
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
}
