/// An app's icon on a page (consent, "Your apps", the console): the image when it is an https
/// URL, else the first letter of its name. The page's CSP allows images only from the origin
/// of each icon it shows (`source`), never `https:` in general (SECURITY.md "What was checked").
public enum AppIcon {
    public static func html(name: String, icon: String?) -> HTML {
        if let icon, source(icon) != nil {
            return "<img src=\"\(icon)\" alt=\"\">"
        }
        let letter = name.first.map { String($0).uppercased() } ?? "?"
        return "<span class=\"letter\" aria-hidden=\"true\">\(letter)</span>"
    }

    /// The CSP source (`https://host[:port]`) that lets the page show `icon`; nil when the icon
    /// is not shown as an image (not https, or a host a CSP source cannot name exactly).
    public static func source(_ icon: String?) -> String? {
        guard let icon, icon.hasPrefix("https://"), RedirectURI.problem(icon) == nil else { return nil }
        return Origin.of(icon)
    }

    /// The sources for a page showing these icons.
    public static func sources(_ icons: [String?]) -> [String] { icons.compactMap(source) }
}

/// `scheme://host[:port]` of an `http(s)` URI, usable as a CSP host-source: nil when the
/// host is not plain ASCII letters, digits, `-` and `.` (an IPv6 literal, userinfo, anything
/// a policy could misread) or the port is not digits.
public enum Origin {
    public static func of(_ uri: String) -> String? {
        guard let scheme = RedirectURI.scheme(of: uri), scheme == "https" || scheme == "http" else { return nil }
        let afterScheme = uri.utf8.dropFirst(scheme.utf8.count + 3)
        guard uri.utf8.dropFirst(scheme.utf8.count).starts(with: "://".utf8) else { return nil }
        let authority = afterScheme.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        let parts = authority.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, host.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }) else { return nil }
        if parts.count == 2 {
            guard (1...5).contains(parts[1].count), parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        }
        return scheme + "://" + String(decoding: authority, as: UTF8.self).lowercased()
    }
}
