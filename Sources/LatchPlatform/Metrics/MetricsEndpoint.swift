/// `GET /metrics`: the executable's counters in Prometheus text format. Every FastCGI
/// executable serves it (`FastCGIServer` adds these routes when metrics are on), also as
/// `GET /metrics/<name>` (`/metrics/x` or `/metrics/latch-x` for the executable latch-x) so
/// that one nginx server can expose each executable under its own path. nginx keeps it
/// internal: the shipped `latch-locations.conf` allows only 127.0.0.1 and ::1.
public enum MetricsEndpoint {
    /// The patterns `routes(_:)` serves, in order (the metrics table is sized before the
    /// router exists).
    public static let patterns = ["/metrics", "/metrics/{executable}"]

    public static func routes<Context>(_ metrics: Metrics) -> [Route<Context>] {
        [
            Route(patterns[0], ["GET": { _, _ in exposition(metrics) }]),
            Route(patterns[1], ["GET": { request, _ in
                let name = request.pathParameters["executable"] ?? ""
                guard name == metrics.executable || "latch-" + name == metrics.executable else {
                    throw HTTPError.notFound
                }
                return exposition(metrics)
            }]),
        ]
    }

    static func exposition(_ metrics: Metrics) -> Response {
        Response(status: 200, headers: [("Content-Type", Metrics.contentType), ("Cache-Control", "no-store")],
                 body: Array(metrics.exposition().utf8))
    }
}
