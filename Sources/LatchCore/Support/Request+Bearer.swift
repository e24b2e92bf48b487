extension Request {
    /// The bearer token from `Authorization: Bearer …` (RFC 6750 §2.1), nil if absent or
    /// another scheme.
    public var bearerToken: String? {
        guard let value = header("authorization") else { return nil }
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return Request.asciiBearerToken(value) }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// `bearerToken` of an all-ASCII header value (every real one), byte by byte: the same
    /// answer, without splitting and lowercasing copies.
    static func asciiBearerToken(_ value: String) -> String? {
        let bytes = value.utf8
        var start = bytes.startIndex
        while start != bytes.endIndex, bytes[start] == UInt8(ascii: " ") { start = bytes.index(after: start) }
        let scheme = bytes[start...].prefix(7)
        guard scheme.count == 7, scheme.last == UInt8(ascii: " "),
              scheme.prefix(6).elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        // The rest without leading and trailing spaces and tabs, copied once.
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let rest = bytes[scheme.endIndex...]
        guard let first = rest.firstIndex(where: { !isBlank($0) }), let last = rest.lastIndex(where: { !isBlank($0) }) else {
            return nil
        }
        return String(value[first...last])
    }
}
