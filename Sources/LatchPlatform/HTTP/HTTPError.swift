/// What the request layer itself refuses or fails on, before or around a handler: a request
/// that cannot be read (bad encoding, a repeated parameter, wrong media type, too large), a
/// path or method nothing serves, a fault. How it is worded on the wire (a JSON body, an HTML
/// page) is the route's `ErrorStyle`; `description` is the text a client may see.
public enum HTTPError: Error, Equatable, Sendable {
    case malformed(String)
    case duplicateParameter(String)
    case unsupportedMediaType(String)
    case payloadTooLarge
    /// No route matches the path.
    case notFound
    /// A route matches, not for this method; `allowed` is its `Allow` header.
    case methodNotAllowed(method: String, allowed: [String])
    /// The database cannot be reached or keeps conflicting: try again shortly (`503`).
    case unavailable
    /// Anything else that went wrong on the server's side (`500`); the cause is logged only.
    case internalError
    /// The handler's response has a header value that cannot be sent (CR, LF or NUL): `400`.
    case unsendableResponse

    public var description: String {
        switch self {
        case .malformed(let why): return why
        case .duplicateParameter(let name): return "parameter '\(name)' was given more than once"
        case .unsupportedMediaType(let why): return why
        case .payloadTooLarge: return "request body too large"
        case .notFound: return "no such endpoint"
        case .methodNotAllowed(let method, _): return "method \(method) is not allowed here"
        case .unavailable: return "the service is temporarily unavailable; try again shortly"
        case .internalError: return "the server could not complete the request"
        case .unsendableResponse: return "a value cannot be placed in a response header"
        }
    }

    /// The HTTP status this failure is answered with.
    public var status: Int {
        switch self {
        case .malformed, .duplicateParameter, .unsupportedMediaType, .unsendableResponse: return 400
        case .payloadTooLarge: return 413
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .unavailable: return 503
        case .internalError: return 500
        }
    }

    /// Headers the failure needs whatever its wording (`Allow`, `Retry-After`).
    public var headers: [(String, String)] {
        switch self {
        case .methodNotAllowed(_, let allowed): return [("Allow", allowed.joined(separator: ", "))]
        case .unavailable: return [("Retry-After", "1")]
        default: return []
        }
    }

    /// Whether the request itself is at fault (bad input), rather than the server.
    public var isBadInput: Bool {
        switch self {
        case .malformed, .duplicateParameter, .unsupportedMediaType, .payloadTooLarge: return true
        default: return false
        }
    }
}
