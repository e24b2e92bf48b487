// The base64 and hex codecs: `Base64.encode/urlEncode/decode`, `Hex.encode/decode`.
//
// Invariants: no crash; decode(encode(x)) == x for both codecs; encoders emit only their
// alphabet and the expected length; a decoder accepts only its alphabet (plus trailing
// '=' for base64) and returns as many bytes as the characters carry; hex decoding is the
// inverse of encoding up to letter case.
import LatchCore

private let standardAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
private let urlAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEncodings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)

    // Encoders, on the input as bytes.
    let standard = Base64.encode(bytes)
    require(standard.utf8.count == (bytes.count + 2) / 3 * 4, "base64 has the wrong length")
    let unpadded = standard.utf8.prefix { $0 != UInt8(ascii: "=") }
    require(unpadded.allSatisfy(standardAlphabet.contains) && standard.utf8.count - unpadded.count <= 2,
            "base64 left its alphabet")
    require(Base64.decode(standard) == bytes, "Base64.decode(Base64.encode(x)) != x")
    let url = Base64.urlEncode(bytes)
    require(url.utf8.allSatisfy(urlAlphabet.contains) && url.utf8.count == (bytes.count * 4 + 2) / 3,
            "base64url left its alphabet or has the wrong length")
    let hex = Hex.encode(bytes)
    require(hex.utf8.count == bytes.count * 2 && hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) },
            "hex left its alphabet")
    require(Hex.decode(hex) == bytes, "Hex.decode(Hex.encode(x)) != x")

    // Decoders, on the input as text.
    let text = fuzzText(bytes)
    if let decoded = Base64.decode(text) {
        var chars = Array(text.utf8)
        while chars.last == UInt8(ascii: "=") { chars.removeLast() }
        require(chars.allSatisfy(standardAlphabet.contains), "Base64.decode accepted a character outside its alphabet")
        require(chars.count % 4 != 1, "Base64.decode accepted a dangling character")
        require(decoded.count == chars.count * 6 / 8, "Base64.decode returned \(decoded.count) bytes for \(chars.count) characters")
        require(Base64.decode(Base64.encode(decoded)) == decoded, "base64 does not round-trip decoded bytes")
    }
    if let decoded = Hex.decode(text) {
        let lower = text.utf8.map { (0x41...0x46).contains($0) ? $0 + 0x20 : $0 }
        require(Hex.encode(decoded).utf8.elementsEqual(lower), "Hex.decode is not the inverse of Hex.encode")
    }
    return 0
}
