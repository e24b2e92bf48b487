public enum Cookies {
    /// Parses a `Cookie` header (`a=1; b=2`); the first occurrence of a name wins.
    ///
    /// The header is split at the `;` and `=` scalars (RFC 6265 §4.2.1), not at Characters:
    /// a combining mark after a delimiter must not hide it, and U+037E GREEK QUESTION MARK,
    /// which Swift's Character comparison finds equal to `;`, must not act as one.
    public static func parse(_ header: String) -> [String: String] {
        var cookies: [String: String] = [:]
        for (name, value) in pairs(header) where cookies[name] == nil { cookies[name] = value }
        return cookies
    }

    /// Every value of the cookie `name` (compared byte for byte) in a `Cookie` header, in
    /// order, read as `parse` reads them. A sibling subdomain can add a cookie of the same
    /// name, which browsers send next to ours: a caller that must not pick one of several
    /// asks for all of them.
    public static func values(named name: String, in header: String) -> [String] {
        pairs(header).filter { $0.name.utf8.elementsEqual(name.utf8) }.map(\.value)
    }

    /// The `name=value` pieces in order: split at the `;` and `=` scalars, spaces and tabs
    /// trimmed, one pair of surrounding quotes dropped, pieces without `=` or a name skipped.
    static func pairs(_ header: String) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for piece in header.unicodeScalars.split(separator: ";") {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = Substring(piece[..<equals]).trimmingSpaces()
            var value = Substring(piece[piece.index(after: equals)...]).trimmingSpaces().unicodeScalars[...]
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
            if !name.isEmpty { pairs.append((name, String(value))) }
        }
        return pairs
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when `secure`.
    public static func setCookie(name: String, value: String, maxAge: Int?, secure: Bool) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Lax"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
