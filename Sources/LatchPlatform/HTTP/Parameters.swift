/// Decoded `application/x-www-form-urlencoded` pairs, in order.
///
/// Decoding is strict: malformed percent-escapes and invalid UTF-8 are refused, and
/// reading a parameter that appears twice is an error.
public struct Parameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    public init(formEncoded bytes: [UInt8]) throws(HTTPError) {
        pairs = []
        guard !bytes.isEmpty else { return }
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { piece[piece.startIndex..<$0] } ?? piece[...]
            let rawValue = equals.map { piece[piece.index(after: $0)...] } ?? []
            let name = try Parameters.decode(rawName)
            let value = try Parameters.decode(rawValue)
            pairs.append((name: name, value: value))
        }
    }

    public static func == (a: Parameters, b: Parameters) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The single value of `name`; nil when absent or empty; throws when repeated.
    public func single(_ name: String) throws(HTTPError) -> String? {
        var found: String?
        for pair in pairs where pair.name == name {
            if found != nil { throw HTTPError.duplicateParameter(name) }
            found = pair.value
        }
        if let value = found, value.isEmpty { return nil }
        return found
    }

    public func contains(_ name: String) -> Bool { pairs.contains { $0.name == name } }

    /// The first parameter name that appears more than once, if any.
    public var firstDuplicateName: String? {
        var seen = Set<String>()
        for pair in pairs where !seen.insert(pair.name).inserted { return pair.name }
        return nil
    }

    /// The rule of an endpoint whose every parameter is single-valued, checked once before any
    /// is read: the first name given twice is refused (`HTTPError.duplicateParameter`).
    public func requireUniqueNames() throws(HTTPError) {
        if let name = firstDuplicateName { throw HTTPError.duplicateParameter(name) }
    }

    /// Percent-decodes one component (`+` is a space), refusing bad escapes, invalid UTF-8 and
    /// NUL: no parameter has a use for NUL, PostgreSQL text cannot hold it, and libpq would end
    /// a bound value at it (`id=x%00junk` would be looked up as `x`).
    public static func decode<C: Collection>(_ bytes: C) throws(HTTPError) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let h = Hex.value(high), let l = Hex.value(low) else {
                    throw HTTPError.malformed("malformed percent-encoding")
                }
                out.append(h << 4 | l)
            default:
                out.append(byte)
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw HTTPError.malformed("parameters are not valid UTF-8")
        }
        if out.contains(0) { throw HTTPError.malformed("parameters must not contain NUL characters") }
        return text
    }

    /// Percent-encodes for a query string or form body (unreserved characters stay as they are).
    public static func encode(_ text: String) -> String {
        var out = [UInt8]()
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `a=1&b=2`, each part percent-encoded.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }
}
