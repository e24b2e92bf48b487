import Glibc

/// One JSON line per request on stderr:
///
///     {"time":"2026-11-23T18:06:32.123Z","level":"info","executable":"latch-tokens","pid":4242,
///      "method":"POST","path":"/oauth2/tokens","route":"/oauth2/tokens","status":400,
///      "error":"invalid_grant","client_id":"app-1","duration_ms":1.234}
///
/// Only the path is logged, never the query string (which may carry `code` or `state`),
/// and anything in it shaped like a credential is replaced by `[redacted]`. `info` for
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
        if let error = RequestLog.errorCode(of: response) { fields.append(("error", .string(Log.clean(error, limit: 64)))) }
        if let client = response.logClientID { fields.append(("client_id", .string(Log.clean(client, limit: 200)))) }
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

    /// The OAuth error code of a response: set by `OAuthError.response` (or a handler that
    /// answers by redirect), else read from a JSON error body.
    public static func errorCode(of response: Response) -> String? {
        if let code = response.logErrorCode { return code }
        guard response.status >= 400, response.header("Content-Type") == "application/json",
              let body = try? JSON.parse(response.body) else { return nil }
        return body["error"]?.stringValue
    }
}

public enum Log {
    public enum Level: Int, Comparable, Sendable, CaseIterable {
        case debug, info, warning, error

        public var name: String {
            switch self {
            case .debug: return "debug"
            case .info: return "info"
            case .warning: return "warning"
            case .error: return "error"
            }
        }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name }) else { return nil }
            self = level
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The lowest level `message` writes. Set once from `LATCH_LOG_LEVEL` before any worker
    /// is forked; each process is single-threaded, so nothing races on it.
    nonisolated(unsafe) public static var threshold: Level = .info

    /// Writes one line to stderr in a single `write` so lines from workers do not interleave.
    public static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    public static func message(_ level: Level, _ executable: String, _ text: String) {
        guard level >= threshold else { return }
        write(JSON.object([("time", .string(Clock.timestamp())), ("level", .string(level.name)),
                           ("executable", .string(executable)), ("pid", .integer(Int(getpid()))),
                           ("message", .string(clean(text, limit: 1000)))]).serialized)
    }

    public static func message(_ level: String, _ executable: String, _ text: String) {
        message(Level(name: level) ?? .info, executable, text)
    }

    /// Text from outside for a log field: credential-shaped parts redacted, length capped.
    static func clean(_ text: String, limit: Int) -> String {
        let scrubbed = Redaction.scrub(text)
        return scrubbed.utf8.count > limit ? String(scrubbed.prefix(limit)) + "…" : scrubbed
    }
}
