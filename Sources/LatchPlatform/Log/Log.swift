import Glibc

/// Lines on stderr: the request log's, and messages of the supervisor and workers.
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

    /// What replaces secrets in text from outside before it is logged: the identity here; the
    /// product sets its own (latch: credential-shaped parts) before any worker is forked, like
    /// `threshold`.
    nonisolated(unsafe) public static var redaction: @Sendable (String) -> String = { $0 }

    /// Text from outside for a log field: secrets redacted (`redaction`), length capped.
    public static func clean(_ text: String, limit: Int) -> String {
        let scrubbed = redaction(text)
        return scrubbed.utf8.count > limit ? String(scrubbed.prefix(limit)) + "…" : scrubbed
    }
}
