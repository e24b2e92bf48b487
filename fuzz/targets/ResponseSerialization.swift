// Writing a response: `Response.serialized()` with header names and values from the input
// (they can carry client text: a redirect Location, a state, a WWW-Authenticate realm).
//
// Invariants: no crash; the head never holds a raw CR, LF or NUL except as the CRLF ending
// each line, so no header or body can be injected; a response whose headers are unsafe
// becomes a 400 and carries none of them; otherwise every header is written in order,
// Content-Length is present and the body follows the blank line unchanged.
import LatchCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseSerialization(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fields = fuzzFields(fuzzBytes(data, size))
    var reader = FuzzReader(fields[0])
    let status = Int(Int16(truncatingIfNeeded: UInt16(reader.byte()) << 8 | UInt16(reader.byte())))
    let body = reader.bytes(fields[0].count)
    var headers: [(String, String)] = []
    var index = 1
    while index < fields.count {
        headers.append((fuzzText(fields[index]), index + 1 < fields.count ? fuzzText(fields[index + 1]) : ""))
        index += 2
    }
    let response = Response(status: status, headers: headers, body: body)
    let bytes = response.serialized()

    // Split the head into lines at CRLF; the head ends at the first empty line.
    var lines: [[UInt8]] = []
    var start = 0
    var i = 0
    var bodyStart: Int?
    while i + 1 < bytes.count {
        if bytes[i] == 0x0d && bytes[i + 1] == 0x0a {
            let line = Array(bytes[start..<i])
            if line.isEmpty { bodyStart = i + 2; break }
            lines.append(line)
            start = i + 2
            i += 2
        } else {
            i += 1
        }
    }
    require(bodyStart != nil, "the head does not end with an empty line")
    for line in lines {
        require(!line.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 }, "a raw CR, LF or NUL in the response head")
    }
    let text = lines.map { String(decoding: $0, as: UTF8.self) }
    let unsafe = headers.contains { ($0.0 + $0.1).utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 } }
    if unsafe {
        require(text.first?.hasPrefix("Status: 400 ") == true, "unsafe headers did not turn the response into a 400")
        for line in text.dropFirst() {
            let name = line.prefix { $0 != ":" }
            require(["Content-Type", "X-Content-Type-Options", "Cache-Control", "Pragma", "Content-Length"].contains(name),
                    "a header of the refused response was written: \(line)")
        }
    } else {
        require(text.first?.hasPrefix("Status: \(status) ") == true, "the status line does not carry the status")
        let written = Array(lines.dropFirst())
        for (offset, header) in headers.enumerated() {
            require(offset < written.count && written[offset].elementsEqual(Array((header.0 + ": " + header.1).utf8)),
                    "header \(offset) was not written as given")
        }
        require(text.contains { $0.lowercased().hasPrefix("content-length:") }, "no Content-Length")
        require(Array(bytes[bodyStart!...]) == body, "the body changed")
    }
    return 0
}
