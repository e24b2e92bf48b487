/// A request that cannot be read at all (bad encoding, wrong media type, too large).
public enum HTTPError: Error, Equatable, Sendable {
    case malformed(String)
    case duplicateParameter(String)
    case unsupportedMediaType(String)
    case payloadTooLarge

    public var description: String {
        switch self {
        case .malformed(let why): return why
        case .duplicateParameter(let name): return "parameter '\(name)' was given more than once"
        case .unsupportedMediaType(let why): return why
        case .payloadTooLarge: return "request body too large"
        }
    }
}
