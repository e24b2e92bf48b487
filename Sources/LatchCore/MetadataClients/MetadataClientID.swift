/// A `client_id` that is a URL naming a Client ID Metadata Document
/// (draft-ietf-oauth-client-id-metadata-document §3; README "Client ID Metadata Documents"):
/// `https`, a host, a path other than `/`, no userinfo, no fragment, no dot segments (plain or
/// percent-encoded), no spaces, control characters or backslashes, a host that is a DNS name or
/// an IP literal, at most 200 bytes (the longest client_id latch stores). With the development mode
/// (`LATCH_CLIENT_METADATA_DEV_LOOPBACK`) `http` is allowed too, only for `127.0.0.1` and
/// `localhost`.
public struct MetadataClientID: Sendable, Equatable {
    /// The URL exactly as given: the document's `client_id` must equal it byte for byte.
    public let url: String
    /// Lower-case host without port (IPv6 in brackets).
    public let host: String
    /// Whether it names a development document on `127.0.0.1` or `localhost`.
    public let isDevelopmentLoopback: Bool

    /// The longest URL accepted (`clients.client_id` lookups refuse longer ones).
    public static let maxLength = 200

    /// Whether `clientID` is meant as a URL (then it is a metadata client or nothing).
    public static func looksLikeURL(_ clientID: String) -> Bool {
        clientID.hasPrefix("https://") || clientID.hasPrefix("http://")
    }

    /// Why `url` is not a metadata client_id, or nil when it is one.
    public static func problem(_ url: String, developmentLoopback: Bool) -> String? {
        guard url.utf8.count <= maxLength else { return "the client_id URL is longer than \(maxLength) bytes" }
        guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "\\" }) else {
            return "the client_id URL must be printable ASCII without spaces or backslashes"
        }
        let isHTTPS = url.hasPrefix("https://")
        guard isHTTPS || url.hasPrefix("http://") else { return "the client_id URL must use https" }
        guard !url.contains("#") else { return "the client_id URL must not have a fragment" }
        let afterScheme = url.drop { $0 != "/" }.dropFirst(2)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { return "the client_id URL must not carry a user name or password" }
        guard let host = RedirectURI.host(of: url), !host.isEmpty else { return "the client_id URL has no host" }
        guard isHostName(host) || (host.hasPrefix("[") && IPAddress(host) != nil) else {
            return "the client_id URL's host is not a valid host name"
        }
        let pathAndQuery = afterScheme.dropFirst(authority.count)
        let path = pathAndQuery.prefix { $0 != "?" }
        guard path.count > 1 else { return "the client_id URL must have a path" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            let decoded = segment.lowercased().replacing("%2e", with: ".")
            if decoded == "." || decoded == ".." { return "the client_id URL must not have dot segments" }
        }
        let loopbackHost = host == "127.0.0.1" || host == "localhost"
        if !isHTTPS && !(developmentLoopback && loopbackHost) { return "the client_id URL must use https" }
        guard HTTPFetcher.target(of: url) != nil else { return "the client_id URL is not a valid URL" }
        return nil
    }

    /// A DNS name or IPv4 literal: labels of ASCII letters, digits and `-`, separated by dots.
    static func isHostName(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return host.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// The parsed client_id, or nil with `problem` saying why.
    public init?(_ url: String, developmentLoopback: Bool) {
        guard MetadataClientID.problem(url, developmentLoopback: developmentLoopback) == nil,
              let host = RedirectURI.host(of: url) else { return nil }
        self.url = url
        self.host = host
        isDevelopmentLoopback = developmentLoopback && (host == "127.0.0.1" || host == "localhost")
    }
}
