// Presented credentials: `Credential.parse(_:as:)` and `Credential.kind(of:)`.
//
// Invariants: no crash; a string parses as a kind exactly when it has the minted shape
// (prefix, 16 lower-case hex characters, '_', 43 base64url characters), and then the parsed
// credential gives back the same string and verifies against the hash of its own secret;
// every minted-shape string built from the input parses.
import LatchCore

private func hasMintedShape(_ bytes: [UInt8], prefix: String) -> Bool {
    let prefix = Array(prefix.utf8)
    guard bytes.count == prefix.count + 16 + 1 + 43, bytes.starts(with: prefix) else { return false }
    let id = bytes[prefix.count..<(prefix.count + 16)]
    let secret = bytes[(prefix.count + 17)...]
    return id.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        && bytes[prefix.count + 16] == UInt8(ascii: "_")
        && secret.allSatisfy { c in
            (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) || c == 0x2d || c == 0x5f
        }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCredential(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)

    // The input as a presented credential, tried as every kind.
    let text = fuzzText(bytes)
    for kind in Credential.Kind.allCases {
        let parsed = Credential.parse(text, as: kind)
        require((parsed != nil) == hasMintedShape(Array(text.utf8), prefix: kind.rawValue),
                "parse(as: \(kind)) disagrees with the minted shape for \(text)")
        if let parsed {
            require(parsed.kind == kind && identical(parsed.value, text), "a parsed credential does not give back its text")
            require(Credential.kind(of: text) == kind, "kind(of:) disagrees with parse")
            require(parsed.matches(storedHash: parsed.secretHash), "a credential does not match its own hash")
        }
    }

    // A minted-shape credential built from the input.
    var reader = FuzzReader(bytes)
    let kind = Credential.Kind.allCases[Int(reader.byte()) % Credential.Kind.allCases.count]
    let id = String(Hex.encode(reader.bytes(8) + [UInt8](repeating: 0, count: 8)).prefix(16))
    let secret = String(Base64.urlEncode(reader.bytes(32) + [UInt8](repeating: 0, count: 32)).prefix(43))
    let value = kind.rawValue + id + "_" + secret
    let parsed = Credential.parse(value, as: kind)
    require(parsed != nil && identical(parsed!.value, value), "a credential of the minted shape was refused: \(value)")
    for other in Credential.Kind.allCases where other != kind {
        require(Credential.parse(value, as: other) == nil, "a \(kind) credential parsed as \(other)")
    }
    return 0
}
