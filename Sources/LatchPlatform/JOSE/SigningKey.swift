import CCrypto

/// A private key that signs JWS for one algorithm. It is made by `generate` or read back from
/// its DER encoding (which only ever leaves the process encrypted: see `AESGCM`).
public struct SigningKey: Sendable {
    public let algorithm: JWSAlgorithm
    let key: EVPKey

    /// A fresh key from OpenSSL's key generation: RSA 2048 for RS256, P-256 for ES256.
    public static func generate(_ algorithm: JWSAlgorithm) throws(JOSEError) -> SigningKey {
        let made: OpaquePointer?
        switch algorithm {
        case .rs256: made = latch_generate_rsa(2048)
        case .es256: made = latch_generate_ec("P-256")
        }
        guard let made else { throw JOSEError("key generation failed") }
        return SigningKey(algorithm: algorithm, key: EVPKey(made))
    }

    /// Reads a private key from its DER form (`privateKeyDER`), refusing one that does not fit
    /// `algorithm`.
    public init(privateKeyDER der: [UInt8], algorithm: JWSAlgorithm) throws(JOSEError) {
        let made: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let made else { throw JOSEError("not a private key") }
        let key = EVPKey(made)
        guard key.fits(algorithm) else { throw JOSEError("the key does not fit \(algorithm.rawValue)") }
        self.init(algorithm: algorithm, key: key)
    }

    private init(algorithm: JWSAlgorithm, key: EVPKey) {
        self.algorithm = algorithm
        self.key = key
    }

    /// The private key's DER encoding (PKCS #1 RSAPrivateKey or SEC 1 ECPrivateKey). Secret:
    /// encrypt before it leaves the process.
    public var privateKeyDER: [UInt8] {
        let length = i2d_PrivateKey(key.pointer, nil)
        guard length > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PrivateKey(key.pointer, &cursor)
        }
        return out
    }

    /// The public half as a JWK (RFC 7517 §4, RFC 7518 §6).
    public var publicJWK: PublicJWK {
        switch algorithm {
        case .rs256:
            return PublicJWK(algorithm: .rs256, members: [
                ("e", Base64URL.encode(key.bignum("e") ?? [])), ("n", Base64URL.encode(key.bignum("n") ?? [])),
            ])
        case .es256:
            return PublicJWK(algorithm: .es256, members: [
                ("crv", "P-256"),
                ("x", Base64URL.encode(key.bignum("qx", length: 32) ?? [])),
                ("y", Base64URL.encode(key.bignum("qy", length: 32) ?? [])),
            ])
        }
    }

    /// The JWS signature of `message` (RFC 7515 §5.1 step 5): PKCS #1 v1.5 for RS256; for
    /// ES256 OpenSSL's DER `ECDSA-Sig-Value` turned into the fixed 64-byte `r || s` of
    /// RFC 7518 §3.4 with `ECDSA_SIG`.
    public func sign(_ message: [UInt8]) throws(JOSEError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw JOSEError("signing context allocation failed") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key.pointer) == 1 else { throw JOSEError("signing failed") }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { throw JOSEError("signing failed") }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { throw JOSEError("signing failed") }
        signature.removeLast(signature.count - length)
        switch algorithm {
        case .rs256: return signature
        case .es256: return try ECDSASignature.raw(fromDER: signature)
        }
    }
}

/// Conversions between the DER `ECDSA-Sig-Value` OpenSSL speaks and JOSE's `r || s`, through
/// OpenSSL's `ECDSA_SIG` (no hand-made DER).
enum ECDSASignature {
    static let componentLength = 32

    static func raw(fromDER der: [UInt8]) throws(JOSEError) -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw JOSEError("malformed ECDSA signature") }
        defer { ECDSA_SIG_free(parsed) }
        var r: OpaquePointer?
        var s: OpaquePointer?
        ECDSA_SIG_get0(parsed, &r, &s)
        var out = [UInt8](repeating: 0, count: componentLength * 2)
        let ok = out.withUnsafeMutableBufferPointer { buffer in
            BN_bn2binpad(r, buffer.baseAddress, Int32(componentLength)) == componentLength
                && BN_bn2binpad(s, buffer.baseAddress! + componentLength, Int32(componentLength)) == componentLength
        }
        guard ok else { throw JOSEError("malformed ECDSA signature") }
        return out
    }

    static func der(fromRaw raw: [UInt8]) throws(JOSEError) -> [UInt8] {
        guard raw.count == componentLength * 2 else { throw JOSEError("an ES256 signature is 64 bytes") }
        guard let signature = ECDSA_SIG_new() else { throw JOSEError("allocation failed") }
        defer { ECDSA_SIG_free(signature) }
        let r = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(componentLength), nil) }
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + componentLength, Int32(componentLength), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r); BN_free(s)
            throw JOSEError("malformed ECDSA signature")
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { throw JOSEError("malformed ECDSA signature") }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_ECDSA_SIG(signature, &cursor)
        }
        return out
    }
}
