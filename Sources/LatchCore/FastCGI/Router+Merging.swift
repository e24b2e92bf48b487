extension Router {
    /// A router over several groups of routes where one path may be served by handlers from
    /// different groups (`POST /oauth2/tokens` from the token endpoint, `DELETE` from user
    /// revocation): routes with the same pattern are joined into one, so that the 405 answer
    /// and its `Allow` header see every method. Giving one method twice for a path is a
    /// programming error.
    public init(merging groups: [[Route]]) {
        var merged: [Route] = []
        for route in groups.flatMap({ $0 }) {
            guard let index = merged.firstIndex(where: { $0.pattern == route.pattern }) else {
                merged.append(route)
                continue
            }
            let handlers = merged[index].handlers.merging(route.handlers) { _, _ in
                preconditionFailure("route \(route.pattern) has a method twice")
            }
            merged[index] = Route(route.pattern, handlers)
        }
        self.init(merged)
    }
}
