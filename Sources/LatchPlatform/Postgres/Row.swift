/// One result row, decoded from PostgreSQL's text format by column name.
public struct Row: Sendable {
    /// The result's column names, in order (shared by its rows). A statement returns a few
    /// dozen columns at most, read a few times each: a scan of short names costs less than
    /// hashing every name of every result into a dictionary.
    let columns: [String]
    let values: [String?]

    public func isNull(_ column: String) -> Bool { value(column) == nil }

    public func value(_ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { preconditionFailure("no column '\(column)' in result") }
        return values[index]
    }

    public func string(_ column: String) throws(DatabaseError) -> String {
        guard let value = value(column) else { throw DatabaseError.decoding("column \(column) is NULL") }
        return value
    }

    public func optionalString(_ column: String) -> String? { value(column) }

    public func int(_ column: String) throws(DatabaseError) -> Int {
        guard let text = value(column), let value = Int(text) else { throw DatabaseError.decoding("column \(column) is not an integer") }
        return value
    }

    public func optionalInt(_ column: String) -> Int? { value(column).flatMap { Int($0) } }

    public func bool(_ column: String) throws(DatabaseError) -> Bool {
        switch value(column) {
        case "t": return true
        case "f": return false
        default: throw DatabaseError.decoding("column \(column) is not a boolean")
        }
    }

    /// `bytea` in PostgreSQL's hex output format (`\x…`).
    public func bytes(_ column: String) throws(DatabaseError) -> [UInt8] {
        guard let text = value(column), text.hasPrefix("\\x"), let bytes = Hex.decode(String(text.dropFirst(2))) else {
            throw DatabaseError.decoding("column \(column) is not bytea")
        }
        return bytes
    }

    /// A `text[]` column.
    public func stringArray(_ column: String) throws(DatabaseError) -> [String] {
        guard let text = value(column) else { throw DatabaseError.decoding("column \(column) is NULL") }
        guard let array = Row.parseArray(text) else { throw DatabaseError.decoding("column \(column) is not an array") }
        return array
    }

    /// Parses a one-dimensional PostgreSQL array literal (`{a,"b c"}`).
    static func parseArray(_ text: String) -> [String]? {
        let chars = Array(text)
        guard chars.first == "{", chars.last == "}" else { return nil }
        var items: [String] = []
        var index = 1
        if chars.count == 2 { return [] }
        while index < chars.count - 1 {
            var item = ""
            if chars[index] == "\"" {
                index += 1
                while index < chars.count - 1, chars[index] != "\"" {
                    if chars[index] == "\\" { index += 1 }
                    item.append(chars[index])
                    index += 1
                }
                index += 1
            } else {
                while index < chars.count - 1, chars[index] != "," {
                    item.append(chars[index])
                    index += 1
                }
            }
            items.append(item)
            if index < chars.count - 1, chars[index] == "," { index += 1 }
        }
        return items
    }
}
