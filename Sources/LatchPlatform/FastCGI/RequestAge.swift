import Glibc

/// How long a request waited before a worker took it, from the time nginx received it
/// (`fastcgi_param LATCH_REQUEST_START $msec;`, README "Running latch for real").
///
/// When every worker sat on a database that stopped answering, requests queue in the FastCGI
/// socket; by the time a worker is free their clients have given up. Running them then would
/// commit changes nobody receives, and the client's retry of the same code or refresh token
/// would meet replay detection (RFC 6749 §4.1.2). A request older than the database bound
/// is therefore answered 503 without touching the database. Without the parameter (an older
/// nginx configuration) or with a value that does not read as `seconds.milliseconds`, no check.
public enum RequestAge {
    public static let parameter = "LATCH_REQUEST_START"

    /// Whether `start` (nginx's `$msec`, e.g. `1700000000.123`) lies more than
    /// `limitMilliseconds` before `now` (milliseconds since the epoch; default the clock).
    public static func isStale(_ start: String?, limitMilliseconds: Int, now: Int? = nil) -> Bool {
        guard let start, let started = milliseconds(start) else { return false }
        return (now ?? currentMilliseconds()) - started > limitMilliseconds
    }

    /// `seconds[.fraction]` as whole milliseconds; nil for anything else.
    static func milliseconds(_ text: String) -> Int? {
        var seconds = 0
        var fraction = 0
        var fractionDigits = -1
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                if fractionDigits < 0 {
                    digits += 1
                    guard digits <= 12 else { return nil }
                    seconds = seconds * 10 + digit
                } else {
                    fractionDigits += 1
                    if fractionDigits <= 3 { fraction = fraction * 10 + digit }
                }
            case UInt8(ascii: ".") where fractionDigits < 0 && digits > 0:
                fractionDigits = 0
            default:
                return nil
            }
        }
        guard digits > 0, fractionDigits != 0 else { return nil }
        var scale = max(fractionDigits, 0)
        while scale < 3 { fraction *= 10; scale += 1 }
        return seconds * 1000 + fraction
    }

    static func currentMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }
}
