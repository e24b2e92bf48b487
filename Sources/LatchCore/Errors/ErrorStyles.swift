/// The request layer's failures (bad input, an unknown path or method, a fault) as OAuth JSON
/// errors (RFC 6749 §5.2): how every API route of latch answers them.
public struct OAuthErrors: ErrorStyle {
    public init() {}

    public func response(for error: HTTPError, to request: Request) -> Response {
        OAuthError(error).response
    }
}

/// The request layer's failures as HTML error pages, on the pages people open in a browser
/// (SECURITY.md "What was checked"), where a JSON error would mean nothing to them. Faults
/// of the server (database down, anything unexpected, an unsendable header) answer in JSON
/// there too, as they always have.
public struct PageErrors: ErrorStyle {
    public init() {}

    public func response(for error: HTTPError, to request: Request) -> Response {
        switch error {
        case .notFound:
            return ErrorPage.response(status: 404, title: "Not found", message: "There is no such page here.")
        case .unavailable, .internalError, .unsendableResponse:
            return OAuthErrors().response(for: error, to: request)
        default:
            return ErrorPage.response(for: OAuthError(error))
        }
    }
}
