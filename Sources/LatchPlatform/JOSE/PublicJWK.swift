import CCrypto

/// A public key as a JWK (RFC 7517): what `/oauth2/jwks` publishes and what a client registers
/// for `private_key_jwt`. Only public members exist here: a JWK with private members (`d`, …)
/// or a symmetric one is refused when read.
public struct PublicJWK: Sendable, Equatable {
    public let algorithm: JWSAlgorithm
    /// The key's own members besides `kty`, sorted by name: `e`, `n` or `crv`, `x`, `y`.
    let members: [(String, String)]
    /// The `kid` the JWK carried when it was read (nil for a key made here).
    public let keyID: String?

    init(algorithm: JWSAlgorithm, members: [(String, String)], keyID: String? = nil) {
        self.algorithm = algorithm
        self.members = members.sorted { $0.0 < $1.0 }
        self.keyID = keyID
    }

    public static func == (a: PublicJWK, b: PublicJWK) -> Bool {
        a.algorithm == b.algorithm && a.keyID == b.keyID
            && a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0 == $1 }
    }

    /// The JWK Set entry: `kty`, the key members, `kid`, `alg`, `use: sig`.
    public func json(kid: String) -> JSON {
        .object([("kty", .string(algorithm.keyType))] + members.map { ($0.0, JSON.string($0.1)) }
            + [("kid", .string(kid)), ("alg", .string(algorithm.rawValue)), ("use", "sig")])
    }

    /// The RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order without
    /// white space, base64url.
    public var thumbprint: String {
        let required = (members + [("kty", algorithm.keyType)]).sorted { $0.0 < $1.0 }
        let text = "{" + required.map { JSON.string($0.0).serialized + ":" + JSON.string($0.1).serialized }.joined(separator: ",") + "}"
        return Base64URL.encode(Digest.sha256(text))
    }

    /// Reads one JWK of a JWK Set, strictly: `kty` RSA or EC (P-256), the algorithm (its `alg`,
    /// or the one its type implies) in `allowed`, `use` absent or `sig`, no private or symmetric
    /// members, and a key OpenSSL accepts (an EC point on the curve, RSA of 2048 bits or more).
    public init(json: JSON, allowed: Set<JWSAlgorithm>) throws(JOSEError) {
        guard json.objectValue != nil else { throw JOSEError("a JWK is a JSON object") }
        for secret in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] where json[secret] != nil {
            throw JOSEError("a JWK must hold only a public key (it has \"\(secret)\")")
        }
        guard let type = json["kty"]?.stringValue else { throw JOSEError("a JWK needs \"kty\"") }
        if let use = json["use"], use.stringValue != "sig" { throw JOSEError("the JWK's \"use\" is not \"sig\"") }
        let algorithm: JWSAlgorithm
        if let name = json["alg"] {
            guard let text = name.stringValue, let named = JWSAlgorithm(rawValue: text) else { throw JOSEError("the JWK's \"alg\" is not one of \(Self.names(allowed))") }
            algorithm = named
        } else {
            switch type {
            case "RSA": algorithm = .rs256
            case "EC": algorithm = .es256
            default: throw JOSEError("the JWK's \"kty\" must be RSA or EC")
            }
        }
        guard allowed.contains(algorithm) else { throw JOSEError("the JWK's algorithm is not one of \(Self.names(allowed))") }
        guard type == algorithm.keyType else { throw JOSEError("the JWK's \"kty\" does not fit its \"alg\"") }
        func member(_ name: String) throws(JOSEError) -> String {
            guard let text = json[name]?.stringValue, let bytes = Base64URL.decode(text), !bytes.isEmpty else {
                throw JOSEError("the JWK's \"\(name)\" must be base64url")
            }
            return text
        }
        let keyID: String?
        if let kid = json["kid"] {
            guard let text = kid.stringValue, !text.isEmpty, text.utf8.count <= 256 else { throw JOSEError("the JWK's \"kid\" must be a short string") }
            keyID = text
        } else {
            keyID = nil
        }
        switch algorithm {
        case .rs256:
            self.init(algorithm: .rs256, members: [("e", try member("e")), ("n", try member("n"))], keyID: keyID)
        case .es256:
            guard json["crv"]?.stringValue == "P-256" else { throw JOSEError("the JWK's \"crv\" must be P-256") }
            let x = try member("x"), y = try member("y")
            guard Base64URL.decode(x)?.count == 32, Base64URL.decode(y)?.count == 32 else { throw JOSEError("P-256 coordinates are 32 bytes") }
            self.init(algorithm: .es256, members: [("crv", "P-256"), ("x", x), ("y", y)], keyID: keyID)
        }
        _ = try verificationKey()
    }

    /// The key that verifies signatures made with this JWK's private half.
    public func verificationKey() throws(JOSEError) -> VerificationKey {
        func bytes(_ name: String) -> [UInt8] { members.first { $0.0 == name }.flatMap { Base64URL.decode($0.1) } ?? [] }
        let made: OpaquePointer?
        switch algorithm {
        case .rs256:
            let n = bytes("n"), e = bytes("e")
            made = latch_rsa_public_key(n, n.count, e, e.count)
        case .es256:
            let point: [UInt8] = [0x04] + bytes("x") + bytes("y")
            made = latch_ec_public_key("prime256v1", point, point.count)
        }
        guard let made else { throw JOSEError("OpenSSL does not accept the JWK as a public key") }
        let key = EVPKey(made)
        guard key.fits(algorithm) else { throw JOSEError("the JWK does not fit \(algorithm.rawValue) (RSA keys need 2048 bits or more)") }
        return VerificationKey(algorithm: algorithm, key: key)
    }

    static func names(_ algorithms: Set<JWSAlgorithm>) -> String {
        algorithms.map(\.rawValue).sorted().joined(separator: ", ")
    }
}

/// A public key that verifies JWS signatures of one algorithm.
public struct VerificationKey: Sendable {
    public let algorithm: JWSAlgorithm
    let key: EVPKey

    /// Whether `signature` is a valid signature of `message` (RFC 7515 §5.2 step 8). An ES256
    /// signature must be exactly 64 bytes (RFC 7518 §3.4); it becomes DER through `ECDSA_SIG`.
    public func verify(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        let der: [UInt8]
        switch algorithm {
        case .rs256: der = signature
        case .es256:
            guard let converted = try? ECDSASignature.der(fromRaw: signature) else { return false }
            der = converted
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key.pointer) == 1 else { return false }
        let result = EVP_DigestVerify(context, der, der.count, message, message.count)
        ERR_clear_error()
        return result == 1
    }
}
