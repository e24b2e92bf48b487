// Form and query decoding: `Parameters(formEncoded:)`, `Parameters.decode`, `Parameters.encode`.
//
// Invariants: no crash; the parser accepts exactly the inputs whose percent-escapes are
// well formed and whose decoded components are UTF-8 without NUL (checked against a small
// reference decoder); what it accepts survives re-encoding; encode then decode is the
// identity for text without NUL and a refusal for text with one; `single` and
// `firstDuplicateName` agree with the pairs.
import LatchCore

/// Reference decoder: the bytes a component stands for, or nil when an escape is malformed.
/// (Which decoded bytes are acceptable is `acceptable`'s business.)
private func referenceDecode(_ component: ArraySlice<UInt8>) -> [UInt8]? {
    func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
    var out = [UInt8]()
    var i = component.startIndex
    while i < component.endIndex {
        let c = component[i]
        if c == UInt8(ascii: "%") {
            guard component.endIndex - i >= 3, let h = hex(component[i + 1]), let l = hex(component[i + 2]) else { return nil }
            out.append(h << 4 | l)
            i += 3
        } else {
            out.append(c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
            i += 1
        }
    }
    return out
}

/// What the parser accepts once decoded: UTF-8 with no NUL (PostgreSQL text cannot hold NUL).
private func acceptable(_ decoded: [UInt8]?) -> String? {
    guard let decoded, !decoded.contains(0) else { return nil }
    return String(validating: decoded, as: UTF8.self)
}

private func isUnreservedOrEscape(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
         UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"): return true
    default: return false
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormParameters(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)

    // The whole input as a form body.
    let pieces = bytes.split(separator: UInt8(ascii: "&"))
    var expected: [(name: [UInt8], value: [UInt8])]? = []
    for piece in pieces {
        let equals = piece.firstIndex(of: UInt8(ascii: "="))
        let name = acceptable(referenceDecode(equals.map { piece[..<$0] } ?? piece))
        let value = acceptable(referenceDecode(equals.map { piece[($0 + 1)...] } ?? []))
        guard let name, let value else { expected = nil; break }
        expected?.append((Array(name.utf8), Array(value.utf8)))
    }
    let parsed = try? Parameters(formEncoded: bytes)
    require((parsed == nil) == (expected == nil), "form parser and reference disagree on acceptance")
    if let parsed, let expected {
        require(parsed.pairs.count == expected.count, "form parser returned \(parsed.pairs.count) pairs, reference \(expected.count)")
        for (pair, reference) in zip(parsed.pairs, expected) {
            require(pair.name.utf8.elementsEqual(reference.name) && pair.value.utf8.elementsEqual(reference.value),
                    "form parser decoded a pair differently from the reference")
        }
        let reencoded = Parameters.encode(parsed.pairs.map { ($0.name, $0.value) })
        require(reencoded.utf8.allSatisfy { isUnreservedOrEscape($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "&") },
                "encode emitted a reserved character")
        let again = try? Parameters(formEncoded: Array(reencoded.utf8))
        require(again.map { $0.pairs.count == parsed.pairs.count && zip($0.pairs, parsed.pairs).allSatisfy {
            identical($0.name, $1.name) && identical($0.value, $1.value) } } ?? false, "re-encoded form decodes differently")

        var counts: [String: Int] = [:]
        for pair in parsed.pairs { counts[pair.name, default: 0] += 1 }
        require((parsed.firstDuplicateName == nil) == counts.values.allSatisfy { $0 == 1 }, "firstDuplicateName disagrees with the pairs")
        if let duplicate = parsed.firstDuplicateName {
            require((counts[duplicate] ?? 0) > 1, "firstDuplicateName named a unique parameter")
            do {
                _ = try parsed.single(duplicate)
                require(false, "single() accepted a repeated parameter")
            } catch {}
        }
        for (name, count) in counts.prefix(8) where count == 1 {
            let value = parsed.pairs.first { $0.name == name }!.value
            do {
                let single = try parsed.single(name)
                require(identical(single, value.isEmpty ? nil : value), "single() returned another value")
            } catch {
                require(false, "single() threw for a parameter given once")
            }
        }
    }

    // The whole input as one component.
    let reference = acceptable(referenceDecode(bytes[...]))
    let decoded = try? Parameters.decode(bytes)
    require(identical(decoded, reference), "decode disagrees with the reference decoder")

    // Any text survives encode then decode (text with NUL is refused), and its encoding is
    // plain ASCII.
    let text = fuzzText(bytes)
    let encoded = Parameters.encode(text)
    require(encoded.utf8.allSatisfy(isUnreservedOrEscape), "encode emitted a reserved character")
    require(identical(try? Parameters.decode(Array(encoded.utf8)), text.utf8.contains(0) ? nil : text),
            "decode(encode(x)) != x")

    // Pairs built from the fields survive encode then parse.
    let fields = fuzzFields(bytes).map(fuzzText)
    var pairs: [(String, String)] = []
    var index = 0
    while index < fields.count { pairs.append((fields[index], index + 1 < fields.count ? fields[index + 1] : "")); index += 2 }
    let body = Parameters.encode(pairs)
    let roundTrip = try? Parameters(formEncoded: Array(body.utf8))
    if fields.contains(where: { $0.utf8.contains(0) }) {
        require(roundTrip == nil, "a form with NUL was accepted")
        return 0
    }
    require(roundTrip != nil, "an encoded form was refused")
    let expectedPairs = body.isEmpty ? [] : pairs
    require(roundTrip!.pairs.count == expectedPairs.count && zip(roundTrip!.pairs, expectedPairs).allSatisfy {
        identical($0.name, $1.0) && identical($0.value, $1.1) }, "Parameters(formEncoded: encode(pairs)) != pairs")
    return 0
}
