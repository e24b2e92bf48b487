import Testing
@testable import LatchCore

@Suite struct JSONWriterTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("new\nline\rtab\t", #""new\nline\rtab\t""#),
        ("<script>&", #""\u003cscript\u003e\u0026""#),
        ("\u{01}\u{1F}\u{7F}", "\"\\u0001\\u001f\u{7F}\""),
        ("a\u{2028}b\u{2029}c", #""a\u2028b\u2029c""#),
        // Other three-byte characters that share bytes with U+2028/2029 are left alone.
        ("\u{2027}\u{2030}\u{20A8}\u{0800}€", "\"\u{2027}\u{2030}\u{20A8}\u{0800}€\""),
        ("é 😀 中", "\"é 😀 中\""),
        ("", #""""#),
    ])
    func escapesStrings(_ value: String, _ expected: String) {
        #expect(JSON.string(value).serialized == expected)
        #expect(JSON.string(value).bytes == Array(expected.utf8))
    }

    @Test func writesEveryKindInOrder() {
        let value: JSON = .object([("b", .array([1, .number(2.5), .number(3), true, false, nil])),
                                   ("a", .object([])), ("c", .array([])), ("d", .integer(-7))])
        #expect(value.serialized == #"{"b":[1,2.5,3,true,false,null],"a":{},"c":[],"d":-7}"#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSON = .object([("s", .string("x\"\\\n<\u{2028}é😀\u{01}")), ("n", .integer(42)),
                                   ("list", .array([.string("a"), .null, .bool(true)]))])
        #expect(try JSON.parse(value.bytes) == value)
    }
}
