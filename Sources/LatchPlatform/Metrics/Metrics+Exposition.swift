/// The Prometheus text exposition format (version 0.0.4) of the shared counters.
extension Metrics {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every counter that has moved, plus the process gauges, as Prometheus text.
    public func exposition() -> String {
        let executableLabel = "executable=\"\(Metrics.escape(executable))\""
        var out = ""

        out += "# HELP latch_requests_total Requests answered, by route pattern, status class and error code.\n"
        out += "# TYPE latch_requests_total counter\n"
        for (label, route) in routeLabels.enumerated() {
            for (statusClass, status) in Metrics.statusClasses.enumerated() {
                for slot in 0..<errorSlots {
                    let count = load(requestsBase + (label * Metrics.statusClasses.count + statusClass) * errorSlots + slot)
                    guard count > 0 else { continue }
                    var labels = "\(executableLabel),route=\"\(Metrics.escape(route))\",status=\"\(status)\""
                    if slot > 0 { labels += ",error=\"\(slot <= errorCodes.count ? errorCodes[slot - 1] : "other")\"" }
                    out += "latch_requests_total{\(labels)} \(count)\n"
                }
            }
        }

        out += "# HELP latch_request_duration_seconds Time from the request's arrival in the worker to its response, by route pattern.\n"
        out += "# TYPE latch_request_duration_seconds histogram\n"
        for (label, route) in routeLabels.enumerated() {
            var cumulative: UInt64 = 0
            var lines = ""
            let labels = "\(executableLabel),route=\"\(Metrics.escape(route))\""
            for bucket in 0..<Metrics.bucketCount {
                cumulative += load(histogramBase + label * Metrics.bucketCount + bucket)
                let bound = bucket < Metrics.latencyBounds.count ? Metrics.format(Metrics.latencyBounds[bucket]) : "+Inf"
                lines += "latch_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            guard cumulative > 0 else { continue }
            out += lines
            out += "latch_request_duration_seconds_sum{\(labels)} \(Metrics.format(Double(load(sumBase + label)) / 1e9))\n"
            out += "latch_request_duration_seconds_count{\(labels)} \(cumulative)\n"
        }

        out += "# HELP latch_workers_alive Worker processes running now.\n"
        out += "# TYPE latch_workers_alive gauge\n"
        out += "latch_workers_alive{\(executableLabel)} \(workersAlive)\n"
        out += "# HELP latch_workers_configured Worker processes the supervisor keeps running (--workers).\n"
        out += "# TYPE latch_workers_configured gauge\n"
        out += "latch_workers_configured{\(executableLabel)} \(load(Metrics.workersConfiguredWord))\n"
        out += "# HELP latch_worker_restarts_total Workers started to replace one that exited (crash, kill, SIGHUP).\n"
        out += "# TYPE latch_worker_restarts_total counter\n"
        out += "latch_worker_restarts_total{\(executableLabel)} \(workerRestarts)\n"
        out += "# HELP latch_database_reconnects_total Times a worker connected to PostgreSQL again after losing its connection.\n"
        out += "# TYPE latch_database_reconnects_total counter\n"
        out += "latch_database_reconnects_total{\(executableLabel)} \(databaseReconnects)\n"
        out += "# HELP latch_database_statements_total Statements the workers sent to PostgreSQL (each one round trip).\n"
        out += "# TYPE latch_database_statements_total counter\n"
        out += "latch_database_statements_total{\(executableLabel)} \(databaseStatements)\n"
        return out
    }

    /// A label value: backslash, double quote and newline escaped.
    static func escape(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }

    /// `1` rather than `1.0`, `0.0005` as is.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
