// The JSON serialiser and parser together: values built from the input (any strings, any
// finite numbers, nested arrays and objects with distinct keys) must satisfy
// parse(serialize(x)) == x, with stable, HTML-safe serialisation.
import LatchCore

private func makeJSON(_ reader: inout FuzzReader, depth: Int) -> JSON {
    switch reader.byte() % 8 {
    case 0: return .null
    case 1: return .bool(reader.byte() & 1 == 1)
    case 2: return .integer(Int(truncatingIfNeeded: reader.uint64()))
    case 3:
        let number = Double(bitPattern: reader.uint64())
        return .number(number.isFinite ? number : 0)
    case 4: return .integer(Int(Int8(truncatingIfNeeded: reader.byte())))
    case 5: return .string(reader.text())
    case 6 where depth < 10:
        return .array((0..<Int(reader.byte() % 6)).map { _ in makeJSON(&reader, depth: depth + 1) })
    case 7 where depth < 10:
        var members: [(String, JSON)] = []
        var keys = Set<String>()
        for _ in 0..<Int(reader.byte() % 6) {
            let key = reader.text(maxBytes: 12)
            let value = makeJSON(&reader, depth: depth + 1)
            if keys.insert(key).inserted { members.append((key, value)) }
        }
        return .object(members)
    default: return .string(reader.text(maxBytes: 4))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRoundTrip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var reader = FuzzReader(fuzzBytes(data, size))
    var values: [JSON] = []
    repeat { values.append(makeJSON(&reader, depth: 0)) } while !reader.isEmpty && values.count < 8
    for value in values { requireRoundTrip(value) }
    requireRoundTrip(.array(values))
    return 0
}
