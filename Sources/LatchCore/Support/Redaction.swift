/// Keeps credentials out of the audit trail and the logs.
///
/// Two checks: a *name* that says it holds a credential (`password`, `refresh_token`,
/// `code`, `state`, …) and a *value* that has the shape of a credential latch mints
/// (`lat_<16 hex>_<43 base64url>`, see `Credential`).
public enum Redaction {
    /// Words that mark a field as holding a credential or something derived from one.
    static let credentialWords: Set<String> = [
        "token", "tokens", "code", "codes", "secret", "secrets", "password", "passwords", "passwd", "pwd",
        "passphrase", "state", "verifier", "challenge", "cookie", "cookies", "session", "sessions",
        "authorization", "credential", "credentials", "assertion", "bearer", "key", "keys", "apikey",
        "hash", "otp", "nonce", "jwt", "signature",
    ]

    /// A name whose last word is one of these describes a credential without holding it
    /// (`token_id`, `token_type_hint`, `token_endpoint_auth_method`).
    static let describingWords: Set<String> = ["id", "ids", "kind", "type", "hint", "method", "count"]

    /// Whether a field name looks like it holds a credential. `state`, `code`,
    /// `refresh_token`, `clientSecret`, `code_challenge` and `state_hash` do;
    /// `token_id`, `scope` and `reason` do not.
    public static func isCredentialName(_ name: String) -> Bool {
        let words = Redaction.words(of: name)
        guard let last = words.last else { return false }
        if describingWords.contains(last) { return false }
        return words.contains { credentialWords.contains($0) }
    }

    /// Lower-cased words of `snake_case`, `kebab-case`, `dotted.names` and `camelCase`.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if character.isLetter || character.isNumber {
                if character.isUppercase && previousWasLower && !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current += character.lowercased()
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether `text` contains anything shaped like a credential latch mints.
    public static func containsCredential(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return credentialRange(in: bytes, from: 0) != nil
    }

    /// `text` with every credential-shaped substring replaced by its prefix and `[redacted]`.
    public static func scrub(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard var found = credentialRange(in: bytes, from: 0) else { return text }
        var out: [UInt8] = []
        var index = 0
        while true {
            out += bytes[index ..< found.lowerBound + prefixLength]
            out += Array("[redacted]".utf8)
            index = found.upperBound
            guard let next = credentialRange(in: bytes, from: index) else { break }
            found = next
        }
        out += bytes[index...]
        return String(decoding: out, as: UTF8.self)
    }

    static let prefixLength = 4
    static let prefixes: [[UInt8]] = Credential.Kind.allCases.map { Array($0.rawValue.utf8) }
    static let credentialLength = prefixLength + Credential.idLength + 1 + Credential.secretLength

    /// The first credential-shaped range at or after `start`.
    static func credentialRange(in bytes: [UInt8], from start: Int) -> Range<Int>? {
        guard bytes.count >= credentialLength else { return nil }
        var index = start
        while index + credentialLength <= bytes.count {
            if bytes[index] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "_"),
               prefixes.contains(where: { bytes[index ..< index + prefixLength].elementsEqual($0) }),
               Credential.parse(String(decoding: bytes[index ..< index + credentialLength], as: UTF8.self),
                                as: Credential.kind(of: String(decoding: bytes[index ..< index + prefixLength], as: UTF8.self))!) != nil {
                // Stop at the end of the base64url run so a longer run is redacted whole.
                var end = index + credentialLength
                while end < bytes.count, Credential.isBase64URL(bytes[end]) { end += 1 }
                return index ..< end
            }
            index += 1
        }
        return nil
    }
}
