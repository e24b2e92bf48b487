import Testing
@testable import LatchCore
@testable import LatchPlatform

@Suite struct SQLTests {
    @Test func interpolationBecomesBinds() {
        let id = "x'; DROP TABLE users; --"
        let n = 5
        let sql: SQL = "SELECT * FROM users WHERE username = \(id) AND id > \(n)"
        #expect(sql.text == "SELECT * FROM users WHERE username = $1 AND id > $2")
        #expect(sql.binds == [.text(id), .text("5")])
    }

    @Test func optionalsAndBytes() {
        let missing: String? = nil
        let sql: SQL = "INSERT INTO t VALUES (\(missing), \([UInt8]([1, 2])), \(true))"
        #expect(sql.binds == [.null, .bytes([1, 2]), .text("t")])
    }

    @Test func fragmentsAreRenumberedAfterTheBindsBeforeThem() {
        let fragment: SQL = "SELECT \(7) AS a, \("x") AS b"
        let sql: SQL = "WITH f AS (\(fragment: fragment)) SELECT \(1), \("y") FROM f WHERE f.a > \(2)"
        #expect(sql.text == "WITH f AS (SELECT $1 AS a, $2 AS b) SELECT $3, $4 FROM f WHERE f.a > $5")
        let later: SQL = "SELECT \(1), \(2), \(3), \(4), \(5), \(6), \(7), \(8), \(9) \(fragment: fragment)"
        #expect(later.text == "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 SELECT $10 AS a, $11 AS b")
        #expect(later.binds.suffix(2) == [.text("7"), .text("x")])
    }

    @Test func fragmentsWithoutBindsAndFragmentsFirstAreSplicedAsTheyAre() {
        let constant: SQL = "t.revoked_at IS NULL"
        let afterBinds: SQL = "SELECT \(1) WHERE \(fragment: constant) AND x = \(2)"
        #expect(afterBinds.text == "SELECT $1 WHERE t.revoked_at IS NULL AND x = $2")
        #expect(afterBinds.binds == [.text("1"), .text("2")])
        let bound: SQL = "a = \(3) AND b = \(4)"
        let first: SQL = "WHERE \(fragment: bound) AND c = \(5)"
        #expect(first.text == "WHERE a = $1 AND b = $2 AND c = $3")
        #expect(first.binds == [.text("3"), .text("4"), .text("5")])
    }

    @Test func textArrayLiteralQuotes() {
        #expect(TextArray(["a", "b\"c", "d\\e"]).sqlValue == .text("{\"a\",\"b\\\"c\",\"d\\\\e\"}"))
    }

    @Test func parsesArrays() {
        #expect(Row.parseArray("{}") == [])
        #expect(Row.parseArray("{a,b}") == ["a", "b"])
        #expect(Row.parseArray("{\"a b\",\"c\\\"d\",e}") == ["a b", "c\"d", "e"])
    }

    @Test func migrationVersionsComeFromFileNames() {
        #expect(Migrator.version(of: "001_schema.sql") == 1)
        #expect(Migrator.version(of: "012_views.sql") == 12)
        #expect(Migrator.version(of: "schema.sql") == nil)
    }
}
