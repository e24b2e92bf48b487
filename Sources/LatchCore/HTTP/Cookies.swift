public enum Cookies {
    /// Parses a `Cookie` header (`a=1; b=2`); the first occurrence of a name wins.
    public static func parse(_ header: String) -> [String: String] {
        var cookies: [String: String] = [:]
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingSpaces()
            var value = pair[1].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if !name.isEmpty, cookies[name] == nil { cookies[name] = value }
        }
        return cookies
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when `secure`.
    public static func setCookie(name: String, value: String, maxAge: Int?, secure: Bool) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
