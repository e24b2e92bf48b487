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
        if uri.contains("#") { return .hasFragment }
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

    /// The host of an `http(s)://` URI (brackets kept for IPv6), lower-cased.
    public static func host(of uri: String) -> String? {
        guard let range = uri.firstRange(of: "://") else { return nil }
        let authority = uri[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            return String(hostPort[...close]).lowercased()
        }
        return String(hostPort.prefix { $0 != ":" }).lowercased()
    }

    public static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Loopback IP literals whose port may vary (RFC 8252 §7.3).
    static func isLoopbackLiteral(host: String) -> Bool {
        host == "[::1]" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }

    /// Exact string comparison, except that for `http` loopback IP literals the port may differ.
    public static func matches(registered: String, requested: String) -> Bool {
        if registered == requested { return true }
        guard registered.hasPrefix("http://"), requested.hasPrefix("http://"),
              let host = host(of: registered), isLoopbackLiteral(host: host) else { return false }
        return withoutPort(registered) == withoutPort(requested)
    }

    static func withoutPort(_ uri: String) -> String? {
        guard let range = uri.firstRange(of: "://") else { return nil }
        let afterScheme = uri[range.upperBound...]
        let authorityEnd: Substring.Index = afterScheme.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard !authority.contains("@") else { return nil }
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let tail = host[host.index(after: close)...]
            guard tail.isEmpty || (tail.hasPrefix(":") && tail.dropFirst().allSatisfy({ (c: Character) in c.isNumber })) else { return nil }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy({ (c: Character) in c.isNumber }) else { return nil }
            host = host[..<colon]
        }
        return "http://" + host + afterScheme[authorityEnd...]
    }

    /// For `resource` (RFC 8707) and similar: absolute URI, no fragment.
    public static func isAbsoluteWithoutFragment(_ uri: String) -> Bool {
        guard let scheme = scheme(of: uri), !uri.contains("#"), uri.count > scheme.count + 1 else { return false }
        return !uri.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f }
    }
}
