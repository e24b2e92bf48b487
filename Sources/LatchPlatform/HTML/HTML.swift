/// Markup that is safe to send, built by string interpolation: every interpolated `String`
/// or number is escaped, and only other `HTML` values are spliced in as they are.
///
///     let row: HTML = "<td>\(person.name)</td>"        // the name is escaped
///     let page: HTML = "<table>\(rows)</table>"         // `rows: [HTML]` is trusted markup
///
/// Values always go into double-quoted attributes or text, and `escape` makes them safe in
/// both (`&`, `<`, `>`, `"`, `'`), so a free-text name can never close a tag or an attribute.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation {
    public private(set) var markup: String

    public init(stringLiteral value: String) { markup = value }

    public init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }

    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) { markup += literal }

        /// Text or an attribute value: escaped.
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }

        public mutating func appendInterpolation(_ number: Int) { markup += String(number) }

        /// Trusted markup (itself built by interpolation): as it is.
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }

        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { markup += part.markup }
        }
    }

    /// Nothing.
    public static let empty: HTML = ""

    /// Escapes text for an HTML text node or a double- or single-quoted attribute value.
    /// NUL becomes U+FFFD, as a browser would read it.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `parts` one after another.
    public static func joined(_ parts: [HTML]) -> HTML { "\(parts)" }
}
