/// An error that knows its own answer. A handler throws it; the one catch site
/// (`RequestProcessor`) sends `response(for:)` and logs `cause`, which is never sent.
public protocol ResponseError: Error {
    /// The answer to send for this error.
    func response(for request: Request) -> Response
    /// What caused it (e.g. the `DatabaseError` behind a `503`), for the log only.
    var cause: (any Error & Sendable)? { get }
}

extension ResponseError {
    public var cause: (any Error & Sendable)? { nil }
}

/// How the request layer's own failures (`HTTPError`: bad input, an unknown path or method,
/// a fault) are worded on a route: a JSON body for an API, an HTML page for a browser page.
/// Each router decides it per path (`Router.errorStyle`), never the catch site.
public protocol ErrorStyle: Sendable {
    func response(for error: HTTPError, to request: Request) -> Response
}

/// The platform's own wording when the product gives none: a plain text body.
public struct PlainTextErrors: ErrorStyle {
    public init() {}

    public func response(for error: HTTPError, to request: Request) -> Response {
        Response(status: error.status, headers: [("Content-Type", "text/plain; charset=utf-8")] + error.headers,
                 body: Array((error.description + "\n").utf8))
    }
}
