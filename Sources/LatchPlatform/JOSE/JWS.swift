/// JWS Compact Serialization (RFC 7515 §7.1): `base64url(header) . base64url(payload) .
/// base64url(signature)`, with JSON payloads (JWT, RFC 7519).
public enum JWS {
    /// The largest compact JWS read (a JWT latch meets is well under 8 KiB).
    public static let maximumLength = 16_384

    /// Signs `claims` with `key`: the protected header is `alg`, `kid` and, when given, `typ`.
    public static func sign(_ claims: JSON, key: SigningKey, kid: String, type: String? = nil) throws(JOSEError) -> String {
        var header: [(String, JSON)] = [("alg", .string(key.algorithm.rawValue)), ("kid", .string(kid))]
        if let type { header.append(("typ", .string(type))) }
        let signingInput = Base64URL.encode(JSON.object(header).bytes) + "." + Base64URL.encode(claims.bytes)
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Splits and parses a compact JWS without trusting it yet (RFC 7515 §5.2 steps 1–7),
    /// strictly: three base64url parts, a header that is a JSON object whose `alg` is one of
    /// `allowed` (so `none`, HMAC and every other algorithm are refused), no `crit` (latch
    /// understands no extension, RFC 7515 §4.1.11), no key or key URL in the header (`jwk`,
    /// `jku`, `x5u`, `x5c`: a key is never taken from the token it would verify), and a
    /// payload that is a JSON object.
    public static func decode(_ compact: String, allowed: Set<JWSAlgorithm>) throws(JOSEError) -> UnverifiedJWS {
        guard compact.utf8.count <= maximumLength else { throw JOSEError("the JWS is too long") }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw JOSEError("a JWS in compact form has three parts") }
        guard let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else { throw JOSEError("the JWS parts must be base64url") }
        guard let header = try? JSON.parse(headerBytes), header.objectValue != nil else { throw JOSEError("the JWS header is not a JSON object") }
        guard let name = header["alg"]?.stringValue else { throw JOSEError("the JWS header has no \"alg\"") }
        guard let algorithm = JWSAlgorithm(rawValue: name), allowed.contains(algorithm) else {
            throw JOSEError("the JWS algorithm must be one of \(PublicJWK.names(allowed))")
        }
        guard header["crit"] == nil else { throw JOSEError("the JWS header has \"crit\" extensions, which are not supported") }
        for member in ["jwk", "jku", "x5u", "x5c"] where header[member] != nil {
            throw JOSEError("the JWS header must not carry a key or key URL (\"\(member)\")")
        }
        if let kid = header["kid"], kid.stringValue == nil { throw JOSEError("the JWS \"kid\" must be a string") }
        guard let payload = try? JSON.parse(payloadBytes), payload.objectValue != nil else { throw JOSEError("the JWS payload is not a JSON object") }
        let signingInput = Array(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        return UnverifiedJWS(header: header, claims: payload, algorithm: algorithm, signingInput: signingInput, signature: signature)
    }
}

/// A parsed JWS whose signature has not been checked: only `keyID` and `algorithm` may be used
/// (to choose a key); `verified(with:)` gives the claims.
public struct UnverifiedJWS: Sendable {
    public let header: JSON
    let claims: JSON
    public let algorithm: JWSAlgorithm
    let signingInput: [UInt8]
    let signature: [UInt8]

    public var keyID: String? { header["kid"]?.stringValue }
    public var type: String? { header["typ"]?.stringValue }

    /// The claims, when `key` (of the header's algorithm) verifies the signature.
    public func verified(with key: VerificationKey) throws(JOSEError) -> JSON {
        guard key.algorithm == algorithm else { throw JOSEError("the key is not for \(algorithm.rawValue)") }
        guard key.verify(signature, of: signingInput) else { throw JOSEError("the JWS signature does not verify") }
        return claims
    }
}

extension SigningKey {
    /// The public key that verifies this key's signatures.
    public func verificationKey() throws(JOSEError) -> VerificationKey { try publicJWK.verificationKey() }
}
