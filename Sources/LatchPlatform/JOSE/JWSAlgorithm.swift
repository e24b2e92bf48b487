/// The JWS algorithms latch signs and verifies (RFC 7518 §3.1). `none` and the HMAC family are
/// not cases: they cannot be named, so they cannot be accepted. Each use of a JWS passes its own
/// allow-list (a subset of these) to `JWS.decode`.
public enum JWSAlgorithm: String, Sendable, CaseIterable, Hashable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), keys of at least 2048 bits.
    case rs256 = "RS256"
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4), signatures as the 64-byte `r || s`.
    case es256 = "ES256"

    /// The JWK `kty` of keys for this algorithm (RFC 7518 §6.1).
    public var keyType: String {
        switch self {
        case .rs256: return "RSA"
        case .es256: return "EC"
        }
    }
}
