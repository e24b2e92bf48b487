// The strict JSON parser, `JSON.parse`, on arbitrary bytes.
//
// Invariants: no crash; only valid UTF-8 is accepted; nesting never exceeds 64; whatever
// parses serialises to HTML-safe text that parses back to the same value and serialises
// to the same bytes again.
import LatchCore

private func depth(_ value: JSON) -> Int {
    switch value {
    case .array(let items): return 1 + (items.map(depth).max() ?? 0)
    case .object(let members): return 1 + (members.map { depth($0.1) }.max() ?? 0)
    default: return 1
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let value = try? JSON.parse(bytes) else { return 0 }
    require(String(validating: bytes, as: UTF8.self) != nil, "parse accepted invalid UTF-8")
    require(depth(value) <= 64, "parse accepted nesting deeper than 64")
    if case .object(let members) = value {
        var keys = Set<String>()
        for (key, _) in members { require(keys.insert(key).inserted, "parse accepted a duplicate key") }
    }
    requireRoundTrip(value)
    return 0
}
