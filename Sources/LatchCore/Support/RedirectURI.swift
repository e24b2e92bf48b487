/// The redirect-URI rules, shared by every place a URI is registered (RFC 6749 §3.1.2,
/// RFC 8252 §7, RFC 9700 §2.1): absolute, no fragment, `https` anywhere, `http` only on
/// loopback, custom schemes allowed, dangerous schemes refused — for everyone
/// (`forbiddenSchemes`) and, for unverified clients, the schemes an operating system hands to
/// a dangerous handler (`osHandlerSchemes`).
public enum RedirectURI {
    public enum Problem: Equatable, Sendable {
        case notAbsolute, hasFragment, forbiddenScheme(String), httpNotLoopback, malformed
        /// A scheme an unverified client may not register (`osHandlerSchemes`).
        case osHandlerScheme(String)
        public var description: String {
            switch self {
            case .notAbsolute: return "redirect URI must be an absolute URI"
            case .hasFragment: return "redirect URI must not contain a fragment"
            case .forbiddenScheme(let scheme): return "redirect URI scheme '\(scheme)' is not allowed"
            case .httpNotLoopback: return "http redirect URIs are allowed only for loopback hosts; use https"
            case .malformed: return "redirect URI is malformed"
            case .osHandlerScheme(let scheme):
                return "redirect URI scheme '\(scheme)' opens an operating-system handler; only a verified client may register it"
            }
        }
    }

    public static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "ftp", "vbscript", "blob", "about", "view-source"]

    /// The deny list for unverified clients (README "Clients and admins"): schemes
    /// that browsers hand to an operating-system handler known to be dangerous, so that a
    /// redirect after sign-in would run something on the person's machine:
    /// - `ms-*` (every Windows "ms-" protocol: `ms-msdt` ran code in CVE-2022-30190 "Follina",
    ///   `ms-officecmd` ran code through Teams and Office (2021 research), `ms-word`/`ms-excel`
    ///   open remote documents, `ms-appinstaller` installed malware in 2023, …) and the older
    ///   `vnd.ms.*`/`vnd.ms-*` spellings;
    /// - `search-ms` and `search` (Windows Search opening a remote share, used to deliver
    ///   malware since 2022);
    /// - `intent` (Android: launches an arbitrary app component with extras), `android-app`;
    /// - `jar` (Java archive URLs; in Firefox same-origin content from archives);
    /// - `hcp`, `its`, `mk`, `mhtml`, `res`, `shell` (Windows Help Centre, compiled help,
    ///   MHTML and resource and shell namespaces, each a known remote-code-execution path);
    /// - `jnlp`, `jnlps` (Java Web Start), `smb`, `nfs`, `afp`, `webdav` (mounting a remote
    ///   share from a link), `ldap`, `ldaps`, `telnet`, `ssh`, `rlogin`, `gopher`
    ///   (handlers with command-line injection histories).
    /// Developer tools' own schemes (`vscode://`, `jetbrains://`, `myapp://`) stay allowed.
    public static let osHandlerSchemes: Set<String> = [
        "search-ms", "search", "intent", "android-app", "jar", "hcp", "its", "mk", "mhtml", "res", "shell",
        "jnlp", "jnlps", "smb", "nfs", "afp", "webdav", "ldap", "ldaps", "telnet", "ssh", "rlogin", "gopher",
    ]

    /// Whether an unverified client may not register `scheme` (lower-cased).
    public static func isOSHandlerScheme(_ scheme: String) -> Bool {
        osHandlerSchemes.contains(scheme) || scheme.hasPrefix("ms-") || scheme.hasPrefix("vnd.ms")
    }

    /// nil when `uri` may be registered by a client that is `verified` or not, else why not.
    public static func problem(_ uri: String, verified: Bool) -> Problem? {
        if let problem = problem(uri) { return problem }
        if !verified, let scheme = scheme(of: uri), isOSHandlerScheme(scheme) { return .osHandlerScheme(scheme) }
        return nil
    }

    /// nil when `uri` may be registered by a verified client, else why not.
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

    /// The one comparison of redirect URIs (and other URIs compared as strings): byte for
    /// byte over UTF-8. Swift's `==` is canonical equivalence: it equates `caf\u{E9}` and
    /// `cafe\u{301}`, two different URIs to a browser and to PostgreSQL.
    public static func identical(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// Exact comparison (`identical`), except that for `http` loopback hosts — `127.x.y.z`,
    /// `[::1]` and the name `localhost`, as MCP clients register it — the port may differ,
    /// also when the registered URI has none (RFC 8252 §7.3).
    public static func matches(registered: String, requested: String) -> Bool {
        if identical(registered, requested) { return true }
        guard registered.hasPrefix("http://"), requested.hasPrefix("http://"),
              let host = host(of: registered), isLoopback(host: host),
              let registeredWithoutPort = withoutPort(registered), let requestedWithoutPort = withoutPort(requested)
        else { return false }
        return identical(registeredWithoutPort, requestedWithoutPort)
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
