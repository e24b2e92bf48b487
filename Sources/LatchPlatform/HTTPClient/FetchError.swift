/// Why `HTTPFetcher.get` fetched nothing. `description` is safe to show a person (it names the
/// rule, never internals); `detail` is for the log.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Not a URL libcurl can parse, or one with userinfo or a zone id.
        case invalidURL
        /// A scheme the policy does not allow (only `https` unless told otherwise).
        case schemeNotAllowed
        /// The host does not resolve.
        case unresolvable
        /// The host resolves to an address the policy refuses (special-use, RFC 6890).
        case refusedAddress
        /// No connection, or the TLS handshake or certificate check failed.
        case connectFailed
        /// Past the connect or the total timeout.
        case timedOut
        /// The answer is larger than the policy's cap.
        case tooLarge
        /// Any status but `200` (redirects are never followed).
        case status
        /// The answer's media type is not JSON.
        case notJSON
        /// Anything else libcurl reported.
        case transfer
    }

    public let code: Code
    /// What the log gets (libcurl's words, the address refused, the status).
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        switch code {
        case .invalidURL: return "the URL is not valid"
        case .schemeNotAllowed: return "the URL's scheme is not allowed (https only)"
        case .unresolvable: return "the URL's host does not resolve"
        case .refusedAddress: return "the URL's host resolves to a private or special-use address"
        case .connectFailed: return "the server could not be reached securely"
        case .timedOut: return "the server did not answer in time"
        case .tooLarge: return "the document is too large"
        case .status: return "the server did not answer 200 OK (\(detail))"
        case .notJSON: return "the document is not JSON (Content-Type)"
        case .transfer: return "the document could not be fetched"
        }
    }
}
