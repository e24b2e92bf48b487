/// `LATCH_CLIENT_METADATA_ALLOW` / `_DENY`: which hosts may be metadata clients
/// (README "Client ID Metadata Documents"). A comma-separated list of patterns: `example.com`
/// matches that host only, `*.example.com` every name below it (not `example.com` itself).
/// A host the deny list matches is refused; with an allow list, a host it does not match is
/// refused too. Hosts compare lower-case, without port.
public struct HostPatterns: Sendable, Equatable {
    public let patterns: [String]

    public init(patterns: [String]) { self.patterns = patterns }

    /// The patterns of a setting's value; nil (with no pattern kept) when one is malformed.
    public static func parse(_ text: String) -> HostPatterns? {
        var patterns: [String] = []
        for item in text.split(separator: ",") {
            let pattern = item.trimmingSpaces().lowercased()
            if pattern.isEmpty { continue }
            let name = pattern.hasPrefix("*.") ? String(pattern.dropFirst(2)) : pattern
            guard !name.isEmpty, !name.contains("*"), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) })
            else { return nil }
            patterns.append(pattern)
        }
        return HostPatterns(patterns: patterns)
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// Whether a pattern matches `host` (lower-case, no port).
    public func matches(_ host: String) -> Bool {
        let host = host.lowercased()
        return patterns.contains { pattern in
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst(1))) }
            return host == pattern
        }
    }
}
