import Glibc

/// One JSON line per request on stderr:
///
///     {"time":"2026-11-23T18:06:32.123Z","level":"info","executable":"latch-x","pid":4242,
///      "method":"POST","path":"/things/1","route":"/things/{id}","status":400,
///      "error":"some_code", …the response's `logFields`…, "duration_ms":1.234}
///
/// Only the path is logged, never the query string (which may carry secrets), and the
/// path goes through `Log.redaction` first. `info` for
/// every request, `warning` (with `"slow":true`) when slower than `LATCH_SLOW_REQUEST_MS`,
/// `error` for 5xx and unexpected failures; `debug` adds the client address, user agent
/// and sizes. Lines below `LATCH_LOG_LEVEL` are not written.
public struct RequestLog {
    public let executable: String
    public let slowRequestMilliseconds: Int
    public let threshold: Log.Level
    let pid: Int

    public init(executable: String, slowRequestMilliseconds: Int = 500, threshold: Log.Level = .info) {
        self.executable = executable
        self.slowRequestMilliseconds = slowRequestMilliseconds
        self.threshold = threshold
        pid = Int(getpid())
    }

    public func record(request: Request, response: Response, nanoseconds: UInt64, detail: String?, route: String? = nil) {
        let level = self.level(status: response.status, nanoseconds: nanoseconds, failed: detail != nil)
        guard level >= threshold else { return }
        Log.write(line(level: level, request: request, response: response, nanoseconds: nanoseconds,
                       detail: detail, route: route).serialized)
    }

    func level(status: Int, nanoseconds: UInt64, failed: Bool) -> Log.Level {
        if failed || status >= 500 { return .error }
        if isSlow(nanoseconds) { return .warning }
        return .info
    }

    func isSlow(_ nanoseconds: UInt64) -> Bool {
        slowRequestMilliseconds > 0 && nanoseconds >= UInt64(slowRequestMilliseconds) * 1_000_000
    }

    /// The line for one request (the fields, in order).
    func line(level: Log.Level, request: Request, response: Response, nanoseconds: UInt64, detail: String?,
              route: String?) -> JSON {
        let milliseconds = Double(nanoseconds) / 1_000_000
        var fields: [(String, JSON)] = [
            ("time", .string(Clock.timestamp())),
            ("level", .string(level.name)),
            ("executable", .string(executable)),
            ("pid", .integer(pid)),
            ("method", .string(Log.clean(request.method, limit: 16))),
            ("path", .string(Log.clean(request.path, limit: 300))),
        ]
        if let route { fields.append(("route", .string(route))) }
        fields.append(("status", .integer(response.status)))
        if let error = response.logErrorCode { fields.append(("error", .string(Log.clean(error, limit: 64)))) }
        for (name, value) in response.logFields { fields.append((name, .string(Log.clean(value, limit: 200)))) }
        fields.append(("duration_ms", .number((milliseconds * 1000).rounded() / 1000)))
        if isSlow(nanoseconds) { fields.append(("slow", true)) }
        if let detail { fields.append(("detail", .string(Log.clean(detail, limit: 1000)))) }
        if threshold <= .debug {
            fields.append(("remote_addr", .string(Log.clean(request.remoteAddress, limit: 64))))
            if let agent = request.header("user-agent") { fields.append(("user_agent", .string(Log.clean(agent, limit: 200)))) }
            fields.append(("bytes_in", .integer(request.body.count)))
            fields.append(("bytes_out", .integer(response.body.count)))
        }
        return .object(fields)
    }
}
