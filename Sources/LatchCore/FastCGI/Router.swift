/// What a handler may use: the configuration and this worker's database connection.
public final class Context {
    public let configuration: Configuration
    public let database: Database
    public let executable: String

    public init(configuration: Configuration, database: Database, executable: String) {
        self.configuration = configuration
        self.database = database
        self.executable = executable
    }
}

public typealias Handler = @Sendable (Request, Context) throws -> Response

/// One path pattern (`/oauth2/clients/{client_id}`) and its handler per method. A last segment
/// `{name*}` captures the rest of the path (one or more segments, as sent: still percent-encoded).
public struct Route: Sendable {
    public let pattern: String
    public let handlers: [String: Handler]
    /// The pattern split at `/` once: a literal segment, or the name of a `{name}` capture.
    let segments: [Segment]

    enum Segment: Sendable {
        case literal([UInt8])
        case capture(String)
        case rest(String)
    }

    public init(_ pattern: String, _ handlers: [String: Handler]) {
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

/// Finds the route for a request; answers 404 and 405 itself.
public struct Router: Sendable {
    public let routes: [Route]

    public init(_ routes: [Route]) { self.routes = routes }

    public init(_ groups: [[Route]]) { self.routes = groups.flatMap { $0 } }

    public func handle(_ request: Request, context: Context) throws -> Response {
        var matched: Int?
        return try handle(request, context: context, matchedRoute: &matched)
    }

    /// Like `handle(_:context:)`, and tells which route matched (its index in `routes`,
    /// nil for 404) even when the handler throws: the request log and metrics label by it.
    public func handle(_ request: Request, context: Context, matchedRoute: inout Int?) throws -> Response {
        guard let (index, captures) = route(for: request.path) else {
            matchedRoute = nil
            // HTML on the browser pages (CONTRACT "Errors and bad input"), JSON elsewhere.
            if RequestProcessor.isBrowserPage(request.path) {
                return ErrorPage.response(status: 404, title: "Not found", message: "There is no such page here.")
            }
            return OAuthError.notFound("no such endpoint").response
        }
        matchedRoute = index
        let route = routes[index]
        let method = request.method == "HEAD" ? "GET" : request.method
        guard let handler = route.handlers[method] else {
            var error = OAuthError(.methodNotAllowed, "method \(request.method) is not allowed here", status: 405)
            error.headers = [("Allow", route.handlers.keys.sorted().joined(separator: ", "))]
            return RequestProcessor.isBrowserPage(request.path) ? ErrorPage.response(for: error) : error.response
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
}
