/// base64url without padding (RFC 4648 §5, RFC 7515 §2), strictly: only the URL alphabet, no
/// `=`, no white space, and unused trailing bits zero, so each value has exactly one encoding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String { Base64.urlEncode(bytes) }

    public static func encode(_ text: String) -> String { Base64.urlEncode(Array(text.utf8)) }

    public static func decode(_ text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        if chars.count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in chars {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "_"): v = 63
            default: return nil
            }
            buffer = (buffer << 6 | v) & 0xffff
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(buffer >> UInt32(bits) & 0xff))
            }
        }
        // Non-canonical: the bits left over after the last whole byte must be zero.
        if bits > 0, buffer & ((1 << UInt32(bits)) - 1) != 0 { return nil }
        return out
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(Substring(text)) }
}
