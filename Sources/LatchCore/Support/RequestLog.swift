import Glibc

/// One JSON line per request on stderr. Only the path is logged (never the query string,
/// which may carry `code` or `state`), plus the OAuth error code and client_id when known.
public struct RequestLog {
    public let executable: String
    public let slowRequestMilliseconds: Int

    public init(executable: String, slowRequestMilliseconds: Int = 500) {
        self.executable = executable
        self.slowRequestMilliseconds = slowRequestMilliseconds
    }

    public func record(request: Request, response: Response, nanoseconds: UInt64, detail: String?) {
        let milliseconds = Double(nanoseconds) / 1_000_000
        var fields: [(String, JSON)] = [
            ("time", .string(Clock.timestamp())),
            ("level", .string(detail != nil || response.status >= 500 ? "error" : (milliseconds >= Double(slowRequestMilliseconds) ? "warning" : "info"))),
            ("executable", .string(executable)),
            ("pid", .integer(Int(getpid()))),
            ("method", .string(request.method)),
            ("path", .string(request.path)),
            ("status", .integer(response.status)),
            ("duration_ms", .number((milliseconds * 1000).rounded() / 1000)),
        ]
        if response.status >= 400, response.header("Content-Type") == "application/json",
           let body = try? JSON.parse(response.body), let error = body["error"]?.stringValue {
            fields.append(("error", .string(error)))
        }
        if let detail { fields.append(("detail", .string(detail))) }
        Log.write(JSON.object(fields).serialized)
    }
}

public enum Log {
    /// Writes one line to stderr in a single `write` so lines from workers do not interleave.
    public static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    public static func message(_ level: String, _ executable: String, _ text: String) {
        write(JSON.object([("time", .string(Clock.timestamp())), ("level", .string(level)),
                           ("executable", .string(executable)), ("pid", .integer(Int(getpid()))),
                           ("message", .string(text))]).serialized)
    }
}
