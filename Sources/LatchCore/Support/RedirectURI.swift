/// The redirect-URI rules, shared by every place a URI is registered (RFC 6749 §3.1.2,
/// RFC 8252 §7, RFC 9700 §2.1): absolute, no fragment, `https` anywhere, `http` only on
/// loopback, custom schemes allowed, dangerous schemes refused.
public enum RedirectURI {
    public enum Problem: Equatable, Sendable {
        case notAbsolute, hasFragment, forbiddenScheme(String), httpNotLoopback, malformed
        public var description: String {
            switch self {
            case .notAbsolute: return "redirect URI must be an absolute URI"
            case .hasFragment: return "redirect URI must not contain a fragment"
            case .forbiddenScheme(let scheme): return "redirect URI scheme '\(scheme)' is not allowed"
            case .httpNotLoopback: return "http redirect URIs are allowed only for loopback hosts; use https"
            case .malformed: return "redirect URI is malformed"
            }
        }
    }

    public static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "ftp", "vbscript", "blob", "about", "view-source"]

    /// nil when `uri` may be registered, else why not.
    public static func problem(_ uri: String) -> Problem? {
        guard uri.utf8.count <= 2000, !uri.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f || $0 == "\\" }) else { return .malformed }
        guard let scheme = scheme(of: uri) else { return .notAbsolute }
        if forbiddenSchemes.contains(scheme) { return .forbiddenScheme(scheme) }
        if uri.unicodeScalars.contains("#") { return .hasFragment }
        let rest = uri.dropFirst(scheme.count + 1)
        if scheme == "http" || scheme == "https" {
            guard rest.hasPrefix("//"), let host = host(of: uri), !host.isEmpty else { return .malformed }
            if scheme == "http" && !isLoopback(host: host) { return .httpNotLoopback }
        } else if rest.isEmpty {
            return .notAbsolute
        }
        return nil
    }

    /// The lower-cased scheme when `uri` starts with one (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
    public static func scheme(of uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        let scheme = uri[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return scheme.lowercased()
    }

    /// The host of an `http(s)://` URI (brackets kept for IPv6), lower-cased. Read scalar
    /// by scalar, as a browser does: in `http://evil.example/\u{301}@127.0.0.1/` a combining
    /// mark must not hide the '/' that ends the authority.
    public static func host(of uri: String) -> String? {
        let scalars = uri.unicodeScalars
        guard let range = scalars.firstRange(of: "://".unicodeScalars) else { return nil }
        let authority = scalars[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        if hostPort.first == "[" {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            return String(hostPort[...close]).lowercased()
        }
        return String(hostPort.prefix { $0 != ":" }).lowercased()
    }

    /// `localhost` or a loopback IP literal; `127.example.com` is not one.
    public static func isLoopback(host: String) -> Bool {
        host == "localhost" || isLoopbackLiteral(host: host)
    }

    /// Loopback IP literals whose port may vary (RFC 8252 §7.3): `[::1]` or `127.a.b.c`,
    /// each part one to three ASCII digits, at most 255.
    static func isLoopbackLiteral(host: String) -> Bool {
        if host == "[::1]" { return true }
        let parts = host.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0].elementsEqual("127".utf8) && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                && part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } <= 255
        }
    }

    /// Exact comparison (byte for byte: Swift's `==` would equate canonically equivalent
    /// strings), except that for `http` loopback IP literals the port may differ.
    public static func matches(registered: String, requested: String) -> Bool {
        if registered.utf8.elementsEqual(requested.utf8) { return true }
        guard registered.hasPrefix("http://"), requested.hasPrefix("http://"),
              let host = host(of: registered), isLoopbackLiteral(host: host),
              let registeredWithoutPort = withoutPort(registered), let requestedWithoutPort = withoutPort(requested)
        else { return false }
        return registeredWithoutPort.utf8.elementsEqual(requestedWithoutPort.utf8)
    }

    /// `http://host…` without its `:port`; nil unless the URI is `http://host[:digits]…`
    /// without userinfo. Read scalar by scalar, so a combining mark cannot hide a delimiter.
    static func withoutPort(_ uri: String) -> String? {
        let scalars = uri.unicodeScalars
        guard scalars.starts(with: "http://".unicodeScalars) else { return nil }
        let afterScheme = scalars.dropFirst(7)
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        var host = afterScheme[..<authorityEnd]
        guard !host.contains("@") else { return nil }
        var port = host[host.endIndex...]
        if host.first == "[" {
            guard let close = host.firstIndex(of: "]") else { return nil }
            port = host[host.index(after: close)...]
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            port = host[colon...]
            host = host[..<colon]
        }
        guard port.isEmpty || (port.first == ":" && port.dropFirst().allSatisfy({ ("0"..."9").contains($0) })) else { return nil }
        return "http://" + String(host) + String(afterScheme[authorityEnd...])
    }

    /// For `resource` (RFC 8707) and similar: absolute URI, no fragment.
    public static func isAbsoluteWithoutFragment(_ uri: String) -> Bool {
        guard let scheme = scheme(of: uri), !uri.unicodeScalars.contains("#"), uri.count > scheme.count + 1 else { return false }
        return !uri.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f }
    }
}
