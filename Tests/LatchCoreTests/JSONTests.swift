import Testing
@testable import LatchCore
@testable import LatchPlatform

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
