/// Resource identifiers (RFC 8707 §2, RFC 9728 §1.2; README "Scopes and resources"): absolute URIs
/// without a fragment, compared after RFC 3986 §6.2.2 normalisation with one trailing slash
/// ignored — and then byte for byte (Swift's `String ==` would equate canonically equivalent
/// strings, which URIs are not).
///
/// The normal form, which the `resources` table stores and every token carries as its audience:
/// - scheme and host in lower case (§6.2.2.1; ASCII only, other bytes are kept as they are);
/// - the hex digits of a percent-encoding in upper case, and percent-encoded unreserved
///   characters decoded (§6.2.2.1, §6.2.2.2);
/// - the scheme's default port dropped (`http` 80, `https` 443; §6.2.3), as is an empty port;
/// - one trailing `/` of the path dropped (so `https://api.example/` is `https://api.example`;
///   a path ending in `//` is kept, so that normalising twice changes nothing).
/// Dot segments are not resolved: `https://a/x/../y` is not `https://a/y` (it stays unregistered).
public enum ResourceIdentifier {
    public static let maxLength = 2000

    /// The normal form of `uri`; nil when it is not an absolute URI without a fragment (relative,
    /// a fragment, spaces or controls, a malformed percent-encoding, over 2000 bytes).
    public static func normalized(_ uri: String) -> String? {
        let bytes = Array(uri.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength, RedirectURI.isAbsoluteWithoutFragment(uri),
              !bytes.contains(UInt8(ascii: "#")), let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var out = bytes[..<colon].map(lowercased)
        out.append(UInt8(ascii: ":"))
        var rest = bytes[(colon + 1)...]
        let isHTTP = out.elementsEqual("http:".utf8), isHTTPS = out.elementsEqual("https:".utf8)
        if rest.starts(with: "//".utf8) {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
            guard var authority = percentNormalized(rest[..<end]) else { return nil }
            rest = rest[end...]
            var userinfo: [UInt8] = []
            if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
                userinfo = Array(authority[...at])
                authority = Array(authority[(at + 1)...])
            }
            var host = authority[...], port: ArraySlice<UInt8> = []
            let portColon = host.first == UInt8(ascii: "[") ? host.firstIndex(of: UInt8(ascii: "]")).flatMap { close in
                host.index(after: close) < host.endIndex && host[host.index(after: close)] == UInt8(ascii: ":") ? host.index(after: close) : nil
            } : host.lastIndex(of: UInt8(ascii: ":"))
            if let portColon {
                port = host[(portColon + 1)...]
                host = host[..<portColon]
            }
            // A host is a bracketed IP literal or has no ':', '[' or ']' at all; a port is digits.
            let bracketed = host.first == UInt8(ascii: "[") && host.last == UInt8(ascii: "]")
            let delimiters: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]")]
            let inner = bracketed ? host.dropFirst().dropLast() : host
            guard !host.isEmpty || !(isHTTP || isHTTPS),
                  !inner.contains(where: { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }),
                  bracketed || !host.contains(where: delimiters.contains),
                  port.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            let defaultPort = isHTTP && port.elementsEqual("80".utf8) || isHTTPS && port.elementsEqual("443".utf8)
            out += "//".utf8
            out += userinfo
            out += host.map(lowercased)
            if !port.isEmpty && !defaultPort { out.append(UInt8(ascii: ":")); out += port }
        } else if isHTTP || isHTTPS {
            return nil
        }
        guard var tail = percentNormalized(rest) else { return nil }
        let queryStart = tail.firstIndex(of: UInt8(ascii: "?")) ?? tail.endIndex
        // One trailing slash, not two: `…/x//` stays as it is, so the normal form is stable.
        if queryStart > tail.startIndex && tail[queryStart - 1] == UInt8(ascii: "/")
            && !(queryStart - 1 > tail.startIndex && tail[queryStart - 2] == UInt8(ascii: "/")) {
            tail.remove(at: queryStart - 1)
        }
        out += tail
        let result = String(decoding: out, as: UTF8.self)
        return RedirectURI.isAbsoluteWithoutFragment(result) ? result : nil
    }

    /// Whether two identifiers name the same resource: their normal forms are equal bytes.
    public static func same(_ a: String, _ b: String) -> Bool {
        guard let a = normalized(a), let b = normalized(b) else { return false }
        return a.utf8.elementsEqual(b.utf8)
    }

    /// The RFC 9728 §3.1 metadata URL of a resource: its origin, then
    /// `/.well-known/oauth-protected-resource`, then its path (and query). nil for an
    /// identifier without an authority (`urn:…`), which has no such URL.
    public static func metadataURL(of identifier: String) -> String? {
        guard let normal = normalized(identifier), let slashes = normal.utf8.firstRange(of: "://".utf8) else { return nil }
        let afterAuthority = normal.utf8[slashes.upperBound...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
            ?? normal.utf8.endIndex
        let origin = String(decoding: normal.utf8[..<afterAuthority], as: UTF8.self)
        let tail = String(decoding: normal.utf8[afterAuthority...], as: UTF8.self)
        return origin + "/.well-known/oauth-protected-resource" + tail
    }

    /// `scheme://authority` of an absolute URI (the issuer's origin), in normal form.
    public static func origin(of uri: String) -> String {
        let normal = normalized(uri) ?? uri
        guard let slashes = normal.utf8.firstRange(of: "://".utf8) else { return normal }
        let end = normal.utf8[slashes.upperBound...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
            ?? normal.utf8.endIndex
        return String(decoding: normal.utf8[..<end], as: UTF8.self)
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `%xx` with upper-case hex digits, percent-encoded unreserved characters decoded; nil when
    /// a `%` is not followed by two hex digits.
    static func percentNormalized(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "%") else { out.append(byte); i += 1; continue }
            guard i + 2 < bytes.endIndex, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else { return nil }
            let decoded = high << 4 | low
            if isUnreserved(decoded) {
                out.append(decoded)
            } else {
                out += [UInt8(ascii: "%"), hexDigit(high), hexDigit(low)]
            }
            i += 3
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10 }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): return true
        default: return false
        }
    }
}
