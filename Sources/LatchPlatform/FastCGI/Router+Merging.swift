/// A route table declared wrong: one method given twice for one path, or one path declared
/// under two spellings (`/a/{x}` and `/a/{y}`). Either would let the first declaration
/// silently shadow the second.
public struct RouteTableError: Error, Equatable, CustomStringConvertible {
    public let description: String
}

extension Router {
    /// A router over several groups of routes where one path may be served by handlers from
    /// different groups (`POST` from one endpoint, `DELETE` from another): routes with the same
    /// pattern are joined into one, so that the 405
    /// answer and its `Allow` header see every method. Declaring one method twice for a
    /// pattern, or one path under two spellings, is a programming error: it stops the program
    /// (`merging` throws it instead).
    public init(merging groups: [[Route<Context>]], errorStyle: @escaping @Sendable (_ path: String) -> any ErrorStyle) {
        do {
            self = try Router.merging(groups, errorStyle: errorStyle)
        } catch {
            preconditionFailure(error.description)
        }
    }

    /// `init(merging:errorStyle:)`, throwing when a method is declared twice for a pattern.
    public static func merging(_ groups: [[Route<Context>]],
                               errorStyle: @escaping @Sendable (_ path: String) -> any ErrorStyle) throws(RouteTableError) -> Router {
        var merged: [Route<Context>] = []
        for route in groups.flatMap({ $0 }) {
            guard let index = merged.firstIndex(where: { $0.shape == route.shape }) else {
                merged.append(route)
                continue
            }
            guard merged[index].pattern == route.pattern else {
                throw RouteTableError(description: "routes \(merged[index].pattern) and \(route.pattern) are one path")
            }
            var handlers = merged[index].handlers
            for (method, handler) in route.handlers.sorted(by: { $0.key < $1.key }) {
                guard handlers[method] == nil else { throw RouteTableError(description: "route \(route.pattern) declares \(method) twice") }
                handlers[method] = handler
            }
            merged[index] = Route(merged[index].pattern, handlers)
        }
        return Router(checked: merged, errorStyle: errorStyle)
    }
}

extension Route {
    /// The pattern with capture names dropped: two patterns of one shape match the same paths.
    var shape: String {
        segments.map { segment in
            switch segment {
            case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .capture: return "{}"
            case .rest: return "{*}"
            }
        }.joined(separator: "/")
    }
}
