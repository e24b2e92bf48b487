import Testing
@testable import LatchCore

/// The bench runs the product's statements: each pgbench script of `bench/sql/` that measures a
/// token statement is exactly what `BenchScripts` renders from the builder the store executes.
/// When a statement changes, this fails until `latchctl debug bench-sql --write bench/sql`
/// (`.build/debug/latchctl`) writes the scripts again.
@Suite struct BenchScriptsTests {
    static let benchSQL: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/bench/sql/"
    }()

    @Test(arguments: BenchScripts.all().map(\.file))
    func theCheckedInScriptIsWhatLatchSends(_ file: String) throws {
        let generated = try #require(BenchScripts.all().first { $0.file == file }).text
        let checkedIn = try Migrator.read(BenchScriptsTests.benchSQL + file)
        #expect(checkedIn == generated, "bench/sql/\(file) differs from the statement latch sends: run `latchctl debug bench-sql --write bench/sql`")
    }

    @Test func everyBindIsReplaced() {
        for script in BenchScripts.all() {
            #expect(!script.text.contains("$1"), "\(script.file)")
            #expect(script.text.hasSuffix(";\n"))
        }
    }

    @Test func bindsBecomeTheirExpressionsLiteralsOrNull() {
        let sql: SQL = "SELECT \("marker")::text, \(Optional<String>.none)::text, \("it's")::text, \(42), \([UInt8]([1, 2]))"
        let rendered = BenchScripts.render(sql, [(.text("marker"), ":client"), (.bytes([1, 2]), "sha256(:n)")])
        #expect(rendered == "SELECT :client::text, NULL::text, 'it''s'::text, 42, sha256(:n)")
    }
}
