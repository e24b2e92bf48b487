/// A statement with `$n` binds. Every interpolated value becomes a bind parameter, never text:
///
///     let sql: SQL = "SELECT username FROM users WHERE id = \(userID)"
///     // text: "SELECT username FROM users WHERE id = $1", binds: [userID]
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    public private(set) var text: String
    public private(set) var binds: [SQLValue]

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        var binds: [SQLValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        public mutating func appendInterpolation(_ value: some SQLBindable) {
            binds.append(value.sqlValue)
            text += "$\(binds.count)"
        }

        /// Splices trusted SQL text (a constant column list), never a value.
        public mutating func appendInterpolation(raw text: StaticString) {
            self.text += text.description
        }

        public mutating func appendInterpolation(_ value: (some SQLBindable)?) {
            binds.append(value?.sqlValue ?? .null)
            text += "$\(binds.count)"
        }

        /// Splices another statement (e.g. a shared CTE): its text with its `$n` renumbered
        /// after the binds so far, and its binds. Fragments are latch's own SQL, which never
        /// has a `$` other than a bind marker.
        public mutating func appendInterpolation(fragment: SQL) {
            let offset = binds.count
            // Nothing to renumber: no binds before it, or none in it (then its text holds no `$`).
            if offset == 0 || fragment.binds.isEmpty {
                text += fragment.text
                binds += fragment.binds
                return
            }
            binds += fragment.binds
            let source = Array(fragment.text.utf8)
            var spliced: [UInt8] = []
            spliced.reserveCapacity(source.count + 8)
            var index = 0
            while index < source.count {
                let byte = source[index]
                index += 1
                spliced.append(byte)
                guard byte == UInt8(ascii: "$") else { continue }
                var number = 0
                let start = index
                while index < source.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(source[index]) {
                    number = number * 10 + Int(source[index] - UInt8(ascii: "0"))
                    index += 1
                }
                if index > start { spliced += String(number + offset).utf8 }
            }
            text += String(decoding: spliced, as: UTF8.self)
        }
    }
}

/// A bind parameter as libpq receives it: text, binary bytes or NULL.
public enum SQLValue: Sendable, Equatable {
    case null
    case text(String)
    case bytes([UInt8])
}

public protocol SQLBindable { var sqlValue: SQLValue { get } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .text(self ? "t" : "f") } }
extension Array: SQLBindable where Element == UInt8 { public var sqlValue: SQLValue { .bytes(self) } }

/// A text array bound as a PostgreSQL `text[]` literal.
public struct TextArray: SQLBindable, Sendable {
    public let values: [String]
    public init(_ values: [String]) { self.values = values }
    /// `{"a","b \"c\""}`: every element quoted, `\` and `"` escaped with a backslash.
    public var sqlValue: SQLValue {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        for (index, value) in values.enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            literal.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return .text(String(decoding: literal, as: UTF8.self))
    }
}

