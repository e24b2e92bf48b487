import ArgumentParser
import LatchCore

/// How every listing prints: an aligned table for people, `--json` for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(help: "print JSON instead of a table")
    var json = false
}

enum Output {
    /// Prints rows as an aligned table with a header line.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count) }
                .joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    static func json(_ value: JSON) { print(value.serialized) }

    /// `2026-11-23T18:06:32Z` from epoch seconds.
    static func time(_ epoch: Int?) -> String {
        guard let epoch else { return "-" }
        return EpochTime.iso8601(epoch)
    }
}

/// Reads a whole secret from standard input (for --password-stdin), dropping one trailing newline.
enum StandardInput {
    static func readAll() -> String {
        var bytes: [UInt8] = []
        while let line = readLine(strippingNewline: false) { bytes.append(contentsOf: line.utf8) }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
