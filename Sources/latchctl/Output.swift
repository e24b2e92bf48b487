import ArgumentParser
import LatchCore

/// A command that could not do its job (something not found, a conflict, the database):
/// "Error: …" on standard error and exit status 1. Usage mistakes are `ValidationError`s
/// (status 64); success is 0.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    static func notFound(_ what: String) -> CommandFailure { CommandFailure("no \(what)") }
}

/// Runs an operation of the core's administration (`AppAdministration`, `UserAdministration`, …),
/// turning its refusals into latchctl failures (exit 1): an unknown id into "no <`notFound`>",
/// anything else into its description.
func administering<T>(notFound: String? = nil, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as OAuthError where error.code == .notFound && notFound != nil {
        throw CommandFailure.notFound(notFound ?? "")
    } catch let error as OAuthError {
        throw CommandFailure(error.description)
    }
}

/// The operations of the core's administration on the database of these options, acting as
/// `latchctl` (README "Clients and admins").
extension GlobalOptions {
    func administration() throws -> Administration { Administration(database: try database(), actor: .latchctl) }
    func apps() throws -> AppAdministration { try administration().apps }
    func scopes() throws -> ScopeAdministration { try administration().scopes }
    func users() throws -> UserAdministration { try administration().users }
    func adminTokens() throws -> AdminTokenAdministration { try administration().adminTokens }
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

    /// Prints `name: value` lines, names aligned.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs { print(name + ":" + String(repeating: " ", count: width - name.count + 1) + value) }
    }

    static func json(_ value: JSON) { print(value.serialized) }

    /// `2026-11-23T18:06:32Z` from epoch seconds.
    static func time(_ epoch: Int?) -> String {
        guard let epoch else { return "-" }
        return EpochTime.iso8601(epoch)
    }

    static func optionalTime(_ epoch: Int?) -> JSON { epoch.map { .string(EpochTime.iso8601($0)) } ?? .null }
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
