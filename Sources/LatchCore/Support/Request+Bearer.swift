extension Request {
    /// The bearer token from `Authorization: Bearer …` (RFC 6750 §2.1), nil if absent or
    /// another scheme.
    public var bearerToken: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        // The scheme in any case, byte by byte (no lowercased copy: only ASCII folds to "bearer").
        guard parts.count == 2, parts[0].utf8.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// Whether the query string carries `access_token=` (RFC 9700 §2.4: never accepted there).
    /// Nearly every request has no query string: no substring search then.
    public var queryCarriesAccessToken: Bool { !query.isEmpty && query.contains("access_token=") }
}
