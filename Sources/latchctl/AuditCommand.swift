import ArgumentParser
import LatchCore

/// `latchctl audit [--since 1h|ISO] [--user NAME] [--client ID] [--limit N] [--json]`
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the audit trail: who did what, when, from where (newest N events, oldest first).",
        discussion: """
            Events: \(AuditEvent.all.map(\.rawValue).joined(separator: ", ")).
            No credential is ever recorded.
            """
    )

    @OptionGroup var connection: DatabaseOptions

    @Option(help: ArgumentHelp("Only events since a duration ago (90s, 15m, 1h, 7d, 2w) or an ISO 8601 time (2026-11-23, 2026-11-23T18:00:00Z; UTC when no offset is given).", valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("Only events about or by this user.", valueName: "username"))
    var user: String?

    @Option(help: ArgumentHelp("Only events about this client.", valueName: "client-id"))
    var client: String?

    @Option(help: "At most this many events, the newest.")
    var limit: Int = 100

    @Flag(help: "Print a JSON array of events.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000, not \(limit)") }
        if let since, AuditQuery.parseSince(since) == nil {
            throw ValidationError("--since takes a duration such as 90s, 15m, 1h, 7d or 2w, or an ISO 8601 time such as 2026-11-23T18:00:00Z; not '\(since)'")
        }
    }

    func run() throws {
        let query = AuditQuery(since: since.flatMap(AuditQuery.parseSince), username: user, clientID: client, limit: limit)
        let entries: [AuditEntry]
        do {
            entries = try AuditLog(database: try connection.database()).events(query)
        } catch let error as DatabaseError where error.sqlState?.hasPrefix("22") == true {
            throw AuditCommandError(description: "--since '\(since ?? "")' is not a valid time")
        }
        if json {
            print(JSON.array(entries.map(\.json)).serialized)
        } else {
            print(AuditTable.render(entries), terminator: "")
        }
    }
}

struct AuditCommandError: Error, CustomStringConvertible {
    let description: String
}

/// The human-readable listing: one aligned row per event.
enum AuditTable {
    static let headings = ["TIME", "EVENT", "ACTOR", "USER", "CLIENT", "SOURCE", "DETAIL"]

    static func render(_ entries: [AuditEntry]) -> String {
        guard !entries.isEmpty else { return "no events\n" }
        let rows = entries.map { entry -> [String] in
            let detail = entry.detail == [:] ? "-" : entry.detail.serialized
            return [
                entry.time, entry.event, entry.actor ?? "-",
                entry.username ?? entry.userID.map { "#\($0)" } ?? "-",
                entry.clientID ?? "-", entry.sourceAddress ?? "-", detail,
            ].map(printable)
        }
        var widths = headings.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < row.count - 1 { widths[column] = max(widths[column], min(cell.count, 40)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(widths[column] - cell.count, 0))
            }.joined(separator: "  ") + "\n"
        }
        return line(headings) + rows.map(line).joined()
    }

    /// Control characters in stored text (client names are free text) shown escaped, so a
    /// row stays one line on the terminal.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
