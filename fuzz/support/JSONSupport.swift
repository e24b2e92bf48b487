// JSON helpers shared by the JSON fuzz targets.
import LatchCore

/// Structural equality with byte-exact strings and keys (`JSON.==` compares strings with
/// Swift's canonical equivalence); numbers compare by value, so `.integer(5)` equals `.number(5)`.
func identicalJSON(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.string(x), .string(y)): return identical(x, y)
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(identicalJSON)
    case let (.object(x), .object(y)):
        return x.count == y.count && zip(x, y).allSatisfy { identical($0.0, $1.0) && identicalJSON($0.1, $1.1) }
    case (.integer, .integer), (.integer, .number), (.number, .integer), (.number, .number): return a == b
    default: return false
    }
}

/// The serialisation is safe to embed in HTML and in a one-line log: no control
/// characters, no '<', '>', '&', no U+2028/U+2029.
func requireSafeSerialisation(_ text: String) {
    for scalar in text.unicodeScalars {
        require(scalar.value >= 0x20 && scalar != "<" && scalar != ">" && scalar != "&"
                && scalar.value != 0x2028 && scalar.value != 0x2029,
                "serialised JSON holds an unescaped U+\(String(scalar.value, radix: 16))")
    }
}

/// Whether any string or key in `value` holds NUL (which the parser refuses: PostgreSQL text
/// cannot hold it).
func containsNUL(_ value: JSON) -> Bool {
    switch value {
    case let .string(text): return text.utf8.contains(0)
    case let .array(items): return items.contains(where: containsNUL)
    case let .object(members): return members.contains { $0.0.utf8.contains(0) || containsNUL($0.1) }
    default: return false
    }
}

/// parse(serialize(x)) == x, and serialising again gives the same bytes; a value holding NUL
/// serialises safely and its serialisation is refused by the parser.
func requireRoundTrip(_ value: JSON) {
    let text = value.serialized
    requireSafeSerialisation(text)
    if containsNUL(value) {
        do {
            _ = try JSON.parse(Array(text.utf8))
            require(false, "the parser accepted a string holding NUL: \(text)")
        } catch {
            require(error.message == "NUL characters are not allowed in strings", "NUL refused with another error: \(error.message)")
        }
        return
    }
    let parsed: JSON
    do { parsed = try JSON.parse(Array(text.utf8)) } catch {
        fatalError("fuzz invariant violated: serialised JSON does not parse (\(error.message)): \(text)")
    }
    require(parsed == value && identicalJSON(parsed, value), "parse(serialize(x)) != x for \(text)")
    require(identical(parsed.serialized, text), "serialisation is not stable for \(text)")
}
