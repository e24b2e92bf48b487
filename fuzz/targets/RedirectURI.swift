// Redirect-URI validation and matching: `RedirectURI.problem`, `matches`, `scheme(of:)`,
// `host(of:)`, `isAbsoluteWithoutFragment`.
//
// The reference reading works on Unicode scalars, the way a browser splits a URL at its
// ASCII delimiters. Invariants (RFC 8252 §7.3, RFC 9700 §4.1; SECURITY.md "What was
// checked", redirect URIs): no crash; a URI `problem` lets through is absolute, has no fragment, no
// space or control character, a scheme that is not forbidden, and — for http — a loopback
// host (`localhost`, `[::1]` or a 127.x.y.z literal); `matches` is exact byte comparison
// except that for http loopback hosts (the name localhost too) the port alone may differ; so a URI that
// matches a valid registered URI is itself valid.
import LatchCore

private struct Reading {
    var scheme: String
    var rest: [Unicode.Scalar]
    var userinfo: [Unicode.Scalar]?
    var host: [Unicode.Scalar] = []
    var port: [Unicode.Scalar]?
    var afterAuthority: [Unicode.Scalar] = []
    /// An authority with '[' but no ']'.
    var isMalformedAuthority = false

    var hostText: String { String(String.UnicodeScalarView(host)) }

    init?(_ uri: String) {
        let scalars = Array(uri.unicodeScalars)
        guard let colon = scalars.firstIndex(of: ":") else { return nil }
        let scheme = scalars[..<colon]
        guard let first = scheme.first, first.isASCII, first.properties.isAlphabetic,
              scheme.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) })
        else { return nil }
        self.scheme = String(String.UnicodeScalarView(scheme)).lowercased()
        rest = Array(scalars[(colon + 1)...])
        guard rest.starts(with: "//".unicodeScalars) else { return }
        let afterSlashes = rest.dropFirst(2)
        let end = afterSlashes.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterSlashes.endIndex
        var hostPort = afterSlashes[..<end]
        afterAuthority = Array(afterSlashes[end...])
        if let at = hostPort.lastIndex(of: "@") {
            userinfo = Array(hostPort[..<at])
            hostPort = hostPort[(at + 1)...]
        }
        if hostPort.first == "[" {
            guard let close = hostPort.firstIndex(of: "]") else { isMalformedAuthority = true; return }
            host = Array(hostPort[...close])
            let tail = hostPort[(close + 1)...]
            if !tail.isEmpty { port = Array(tail) }
        } else if let colon = hostPort.firstIndex(of: ":") {
            host = Array(hostPort[..<colon])
            port = Array(hostPort[colon...])
        } else {
            host = Array(hostPort)
        }
    }

    /// `[::1]` or `127.a.b.c` with each part 0–255.
    var isLoopbackLiteral: Bool {
        let text = hostText
        if text == "[::1]" { return true }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127"
            && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } && (Int($0) ?? 256) <= 255 }
    }

    var isLoopback: Bool { hostText.lowercased() == "localhost" || isLoopbackLiteral }

    /// `:` followed by ASCII digits only (or no port at all).
    var hasNumericPort: Bool {
        guard let port else { return true }
        return port.first == ":" && port.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }
}

private let forbidden: Set<String> = ["javascript", "data", "file", "ftp", "vbscript", "blob"]

private func checkValid(_ uri: String) {
    require(uri.utf8.count <= 2000, "an over-long redirect URI was accepted")
    require(!uri.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f || $0 == "\\" },
            "a redirect URI with a space, control character or backslash was accepted")
    require(!uri.unicodeScalars.contains("#"), "a redirect URI with a fragment was accepted: \(uri)")
    guard let reading = Reading(uri) else { return require(false, "a redirect URI without a scheme was accepted: \(uri)") }
    require(!forbidden.contains(reading.scheme), "a forbidden scheme was accepted: \(uri)")
    require(!reading.rest.isEmpty, "a redirect URI without anything after the scheme was accepted")
    if reading.scheme == "http" || reading.scheme == "https" {
        require(reading.rest.starts(with: "//".unicodeScalars) && !reading.isMalformedAuthority && !reading.host.isEmpty,
                "an http(s) URI without a host was accepted: \(uri)")
        if reading.scheme == "http" {
            require(reading.isLoopback, "an http redirect URI to a non-loopback host was accepted: \(uri)")
        }
    }
}

private func checkMatch(registered: String, requested: String) {
    let matched = RedirectURI.matches(registered: registered, requested: requested)
    if registered.utf8.elementsEqual(requested.utf8) { return require(matched, "a URI does not match itself") }
    guard matched else { return }
    // Only the loopback port exception (127.x.y.z, [::1], localhost; RFC 8252 §7.3) lets different strings match.
    require(registered.hasPrefix("http://") && requested.hasPrefix("http://"), "different non-http URIs matched: \(registered) / \(requested)")
    let a = Reading(registered), b = Reading(requested)
    require(a != nil && b != nil && !a!.isMalformedAuthority && !b!.isMalformedAuthority, "unreadable URIs matched: \(registered) / \(requested)")
    require(a!.userinfo == nil && b!.userinfo == nil, "URIs with userinfo matched by the port exception: \(registered) / \(requested)")
    require(a!.isLoopback, "the port exception was applied to a host that is not a loopback host: \(registered)")
    require(a!.host == b!.host, "URIs with different hosts matched: \(registered) / \(requested)")
    require(a!.hasNumericPort && b!.hasNumericPort, "URIs with non-numeric ports matched: \(registered) / \(requested)")
    require(a!.afterAuthority == b!.afterAuthority, "URIs with different paths matched: \(registered) / \(requested)")
    require(RedirectURI.matches(registered: requested, requested: registered), "matches is not symmetric")
    if RedirectURI.problem(registered) == nil {
        require(RedirectURI.problem(requested) == nil, "a URI matching a valid registered URI is itself invalid: \(requested)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedirectURI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fields = fuzzFields(fuzzBytes(data, size)).map(fuzzText)
    let registered = fields[0]
    let requested = fields.count > 1 ? fields[1] : registered

    for uri in [registered, requested] {
        if RedirectURI.problem(uri) == nil { checkValid(uri) }
        if let scheme = RedirectURI.scheme(of: uri) {
            require(Reading(uri)?.scheme == scheme, "scheme(of:) disagrees with the reference reading: \(uri)")
        }
        if RedirectURI.isAbsoluteWithoutFragment(uri) {
            require(Reading(uri) != nil && !uri.unicodeScalars.contains("#")
                    && !uri.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7f },
                    "isAbsoluteWithoutFragment accepted \(uri)")
        }
        if let host = RedirectURI.host(of: uri), let reading = Reading(uri), reading.rest.starts(with: "//".unicodeScalars) {
            require(!reading.isMalformedAuthority, "host(of:) read a host from a malformed authority: \(uri)")
            require(identical(host, reading.hostText.lowercased()), "host(of:) disagrees with the reference reading: \(uri)")
        }
    }
    checkMatch(registered: registered, requested: requested)
    checkMatch(registered: requested, requested: registered)
    return 0
}
