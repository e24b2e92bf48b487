/// An opaque credential the server mints: `PREFIX` + 16 hex characters of lookup id + `_` +
/// 43 base64url characters (256 bits from the OS CSPRNG).
///
/// Only the lookup id and `SHA-256(secret)` are stored; the secret part is shown once.
public struct Credential: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case authorizationCode = "lac_"
        case accessToken = "lat_"
        case refreshToken = "lrt_"
        case clientSecret = "lcs_"
        case registrationAccessToken = "lrg_"
        case session = "lss_"
        case adminToken = "lad_"
    }

    public static let idLength = 16
    public static let secretLength = 43

    public let kind: Kind
    public let id: String
    public let secret: String

    /// Mints a new credential of `kind`.
    public static func mint(_ kind: Kind) -> Credential {
        Credential(kind: kind, id: SecureRandom.hex(idLength / 2), secret: Base64.urlEncode(SecureRandom.bytes(32)))
    }

    /// Parses a presented credential; nil unless it has exactly the shape `kind` mints.
    public static func parse(_ text: String, as kind: Kind) -> Credential? {
        let bytes = Array(text.utf8)
        let prefix = Array(kind.rawValue.utf8)
        guard bytes.count == prefix.count + idLength + 1 + secretLength,
              bytes.starts(with: prefix) else { return nil }
        let idBytes = bytes[prefix.count ..< prefix.count + idLength]
        guard idBytes.allSatisfy({ Hex.value($0) != nil && !(UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }),
              bytes[prefix.count + idLength] == UInt8(ascii: "_") else { return nil }
        let secretBytes = bytes[(prefix.count + idLength + 1)...]
        guard secretBytes.allSatisfy(Credential.isBase64URL) else { return nil }
        return Credential(kind: kind, id: String(decoding: idBytes, as: UTF8.self),
                          secret: String(decoding: secretBytes, as: UTF8.self))
    }

    /// Which kind a presented string claims to be, by its prefix.
    public static func kind(of text: String) -> Kind? {
        Kind.allCases.first { text.hasPrefix($0.rawValue) }
    }

    /// The full value handed to the client.
    public var value: String { kind.rawValue + id + "_" + secret }

    /// What is stored: SHA-256 of the secret part.
    public var secretHash: [UInt8] { Digest.sha256(secret) }

    /// Constant-time check of the secret against a stored hash.
    public func matches(storedHash: [UInt8]) -> Bool {
        ConstantTime.equals(secretHash, storedHash)
    }

    static func isBase64URL(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
