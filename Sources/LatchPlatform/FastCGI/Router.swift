/// A handler: a plain function of a request over the product's per-worker `Context` (its
/// configuration and database connection), returning a response or throwing.
public typealias Handler<Context> = @Sendable (Request, Context) throws -> Response

/// One path pattern (`/things/{id}`) and its handler per method. A last segment
/// `{name*}` captures the rest of the path (one or more segments, as sent: still percent-encoded).
public struct Route<Context>: Sendable {
    public let pattern: String
    public let handlers: [String: Handler<Context>]
    /// The pattern split at `/` once: a literal segment, or the name of a `{name}` capture.
    let segments: [Segment]

    enum Segment: Sendable {
        case literal([UInt8])
        case capture(String)
        case rest(String)
    }

    public init(_ pattern: String, _ handlers: [String: Handler<Context>]) {
        self.pattern = pattern
        self.handlers = handlers
        segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("*}") ? .rest(String(part.dropFirst().dropLast(2)))
                : part.hasPrefix("{") && part.hasSuffix("}") ? .capture(String(part.dropFirst().dropLast())) : .literal(Array(part.utf8))
        }
    }

    /// The captured `{name}` values when the path (split at `/`) matches, else nil. Literal
    /// segments match byte for byte.
    func match(segments pathSegments: [Substring.UTF8View.SubSequence]) -> [String: String]? {
        var captures: [String: String] = [:]
        if case .rest(let name)? = segments.last {
            guard pathSegments.count >= segments.count else { return nil }
            let rest = pathSegments[(segments.count - 1)...]
            guard !(rest.count == 1 && rest.first!.isEmpty) else { return nil }
            captures[name] = rest.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        } else {
            guard segments.count == pathSegments.count else { return nil }
        }
        for (expected, actual) in zip(segments, pathSegments) {
            switch expected {
            case .rest:
                continue
            case .literal(let bytes):
                guard bytes.elementsEqual(actual) else { return nil }
            case .capture(let name):
                guard !actual.isEmpty, let decoded = try? Parameters.decode(actual) else { return nil }
                captures[name] = decoded
            }
        }
        return captures
    }
}

/// Finds the route for a request; answers 404 and 405 itself, worded by `errorStyle`.
///
/// Built only by `init(merging:errorStyle:)` (`Router+Merging.swift`), which refuses a method
/// declared twice for one path, so no route silently shadows another.
public struct Router<Context>: Sendable {
    public let routes: [Route<Context>]
    /// How the request layer's failures are worded on a path (JSON for an API, HTML on pages).
    public let errorStyle: @Sendable (_ path: String) -> any ErrorStyle

    init(checked routes: [Route<Context>], errorStyle: @escaping @Sendable (_ path: String) -> any ErrorStyle) {
        self.routes = routes
        self.errorStyle = errorStyle
    }

    public func handle(_ request: Request, context: Context) throws -> Response {
        var matched: Int?
        return try handle(request, context: context, matchedRoute: &matched)
    }

    /// Like `handle(_:context:)`, and tells which route matched (its index in `routes`,
    /// nil for 404) even when the handler throws: the request log and metrics label by it.
    public func handle(_ request: Request, context: Context, matchedRoute: inout Int?) throws -> Response {
        guard let (index, captures) = route(for: request.path) else {
            matchedRoute = nil
            return errorStyle(request.path).response(for: .notFound, to: request)
        }
        matchedRoute = index
        let route = routes[index]
        let method = request.method == "HEAD" ? "GET" : request.method
        guard let handler = route.handlers[method] else {
            let error = HTTPError.methodNotAllowed(method: request.method, allowed: route.handlers.keys.sorted())
            return errorStyle(request.path).response(for: error, to: request)
        }
        var request = request
        request.pathParameters = captures
        return try handler(request, context)
    }

    /// The index of the first route whose pattern matches `path`, with its captures.
    public func route(for path: String) -> (Int, [String: String])? {
        let segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, route) in routes.enumerated() {
            if let captures = route.match(segments: segments) { return (index, captures) }
        }
        return nil
    }

    /// This router with more routes after its own (e.g. the metrics endpoint).
    func adding(_ more: [Route<Context>]) throws(RouteTableError) -> Router {
        try Router.merging([routes, more], errorStyle: errorStyle)
    }
}
