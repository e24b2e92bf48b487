/// base64url without padding (RFC 4648 §5, RFC 7515 §2), strictly: only the URL alphabet, no
/// `=`, no white space, and unused trailing bits zero, so each value has exactly one encoding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String { Base64.urlEncode(bytes) }

    public static func encode(_ text: String) -> String { Base64.urlEncode(Array(text.utf8)) }

    public static func decode(_ text: Substring) -> [UInt8]? {
        Base64.decode(Array(text.utf8), urlAlphabet: true, canonical: true)
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(Substring(text)) }
}
