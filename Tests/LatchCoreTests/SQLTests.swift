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

@Suite struct CryptoTests {
    @Test func sha256KnownAnswer() {
        #expect(Hex.encode(Digest.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64() {
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55IGNhcm5hbCBwbGVhcw==") == Array("any carnal pleas".utf8))
        #expect(Base64.urlEncode([0xfb, 0xff]) == "-_8")
        #expect(Base64.decode("a") == nil)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }

    @Test func credentialsRoundTripAndAreDistinct() {
        let a = Credential.mint(.accessToken)
        let b = Credential.mint(.accessToken)
        #expect(a != b)
        #expect(a.value.hasPrefix("lat_"))
        #expect(Credential.parse(a.value, as: .accessToken) == a)
        #expect(Credential.parse(a.value, as: .refreshToken) == nil)
        #expect(Credential.parse(a.value + "x", as: .accessToken) == nil)
        #expect(a.matches(storedHash: a.secretHash))
        #expect(!a.matches(storedHash: b.secretHash))
        #expect(Base64.decode(a.secret.replacing("-", with: "+").replacing("_", with: "/"))?.count == 32)
    }

    @Test func passwordHashVerifies() {
        let stored = PasswordHasher.hash("correct horse", iterations: 1000)
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHasher.verify("correct horse", against: stored))
        #expect(!PasswordHasher.verify("wrong horse", against: stored))
        #expect(!PasswordHasher.verify("x", against: "garbage"))
    }

    @Test func pbkdf2KnownAnswer() {
        // RFC 7914 §11 test vector for PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1), first 32 bytes.
        let derived = PasswordHasher.derive("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(Hex.encode(derived) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }
}

@Suite struct JSONTests {
    @Test func roundTrip() throws {
        let value: JSON = ["a": 1, "b": [true, nil, "x\"<"], "c": .number(1.5)]
        #expect(value.serialized == "{\"a\":1,\"b\":[true,null,\"x\\\"\\u003c\"],\"c\":1.5}")
        #expect(try JSON.parse(value.bytes) == value)
    }

    @Test(arguments: ["\"\\u0000\"", "{\"a\":1,\"a\":2}", "{", "[1,]", "01", "\"\\x\"", "1 2", "{\"a\" 1}", "\"\u{01}\"", "nul"])
    func refusesInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(Array(text.utf8)) }
    }

    @Test func refusesDeepNesting() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSON.parse(Array(text.utf8)) }
    }

    @Test func decodesEscapes() throws {
        #expect(try JSON.parse(Array("\"\\u00e9\\ud83d\\ude00\\n\"".utf8)) == .string("é😀\n"))
    }
}

@Suite struct RedirectURITests {
    @Test(arguments: [
        "https://app.example/cb", "http://127.0.0.1/cb", "http://localhost:3000/cb", "http://[::1]:8080/cb",
        "myapp://callback", "jetbrains://idea/oauth", "vscode://vscode.github/cb", "com.example.app:/oauth2redirect",
    ])
    func accepts(_ uri: String) { #expect(RedirectURI.problem(uri) == nil) }

    @Test(arguments: [
        ("javascript:alert(1)", RedirectURI.Problem.forbiddenScheme("javascript")),
        ("data:text/html,hi", .forbiddenScheme("data")), ("file:///etc/passwd", .forbiddenScheme("file")),
        ("ftp://x.example/", .forbiddenScheme("ftp")), ("vbscript:x", .forbiddenScheme("vbscript")),
        ("blob:https://x", .forbiddenScheme("blob")), ("JavaScript:alert(1)", .forbiddenScheme("javascript")),
        ("https://app.example/cb#frag", .hasFragment), ("http://app.example/cb", .httpNotLoopback),
        ("/relative", .notAbsolute), ("app.example/cb", .notAbsolute), ("https://a.example/ b", .malformed),
    ])
    func refuses(_ uri: String, _ problem: RedirectURI.Problem) { #expect(RedirectURI.problem(uri) == problem) }

    @Test func matchingIsExactExceptLoopbackPorts() {
        #expect(RedirectURI.matches(registered: "https://a.example/cb", requested: "https://a.example/cb"))
        #expect(!RedirectURI.matches(registered: "https://a.example/cb", requested: "https://a.example/cb/"))
        #expect(!RedirectURI.matches(registered: "https://a.example/cb", requested: "https://A.example/cb"))
        #expect(!RedirectURI.matches(registered: "https://a.example:443/cb", requested: "https://a.example:444/cb"))
        #expect(RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1:51234/cb"))
        #expect(RedirectURI.matches(registered: "http://[::1]:1/cb", requested: "http://[::1]:2/cb"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1:5/other"))
        // Revision 2: the name localhost too (RFC 8252 §7.3, as MCP clients register it).
        #expect(RedirectURI.matches(registered: "http://localhost/cb", requested: "http://localhost:5/cb"))
        #expect(!RedirectURI.matches(registered: "http://localhost/cb", requested: "http://localhost.evil.example:5/cb"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1@evil.example/cb"))
    }
}
