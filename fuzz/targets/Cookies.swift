// The `Cookie` header: `Cookies.parse`.
//
// Invariants: no crash; the result equals a reference reading that splits at the ';' and
// '=' scalars (RFC 6265 §4.2.1: the delimiters are octets), trims spaces and tabs, drops
// one pair of surrounding quotes, ignores pieces without '=' or with an empty name, and
// keeps the first occurrence of a name; cookies written with `setCookie`-style pairs are
// read back.
import LatchCore

private func referenceParse(_ header: String) -> [String: String] {
    var cookies: [String: String] = [:]
    for piece in header.unicodeScalars.split(separator: ";") {
        guard let equals = piece.firstIndex(of: "=") else { continue }
        let name = trimmedScalars(piece[..<equals])
        var value = trimmedScalars(piece[piece.index(after: equals)...])
        let scalars = Array(value.unicodeScalars)
        if scalars.count >= 2, scalars.first == "\"", scalars.last == "\"" {
            value = String(String.UnicodeScalarView(scalars.dropFirst().dropLast()))
        }
        if !name.isEmpty, cookies[name] == nil { cookies[name] = value }
    }
    return cookies
}

private func sameCookies(_ a: [String: String], _ b: [String: String]) -> Bool {
    a.count == b.count && a.allSatisfy { name, value in
        b.contains { identical($0.key, name) && identical($0.value, value) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCookies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)

    let header = fuzzText(bytes)
    let cookies = Cookies.parse(header)
    require(sameCookies(cookies, referenceParse(header)), "Cookies.parse disagrees with the reference reading")
    for (name, value) in cookies {
        require(!name.isEmpty, "a cookie with an empty name")
        require(!name.unicodeScalars.contains { $0 == ";" || $0 == "=" }, "a cookie name holds a delimiter")
        require(!value.unicodeScalars.contains(";"), "a cookie value holds ';'")
    }

    // Pairs from the fields, written as a browser would, are read back (first one wins).
    let fields = fuzzFields(bytes).map(fuzzText)
    var written: [(String, String)] = []
    var index = 0
    while index + 1 < fields.count {
        let name = String(String.UnicodeScalarView(fields[index].unicodeScalars.filter { !";= \t\"".unicodeScalars.contains($0) }))
        let value = String(String.UnicodeScalarView(fields[index + 1].unicodeScalars.filter { !"; \t\"".unicodeScalars.contains($0) }))
        if !name.isEmpty { written.append((name, value)) }
        index += 2
    }
    let read = Cookies.parse(written.map { "\($0.0)=\($0.1)" }.joined(separator: "; "))
    for (name, value) in written {
        let first = written.first { $0.0 == name }!.1
        require(identical(read[name], first), "cookie '\(name)' was not read back as written")
        _ = value
    }
    return 0
}
