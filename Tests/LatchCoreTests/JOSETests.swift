import Testing
@testable import LatchPlatform

/// JOSE known answers from RFC 7515 Appendix A.2/A.3 and RFC 7638 §3.1, and the strict-parsing
/// refusals.
@Suite struct JOSETests {
    /// RFC 7515 A.1 payload (also used by A.2 and A.3), base64url as printed there.
    static let payload64 = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let rsaN = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    /// RFC 7515 A.2.1 signature.
    static let rsaSignature = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
    /// The RFC 7515 A.2 private key (n, e, d, p, q of A.2.1) in PKCS #1 DER, as
    /// `SigningKey.privateKeyDER` stores it.
    static let rsaPrivateDER =
        "308204a30201000282010100a1f8160ae2e3c9b465ce8d2d656263362b927dbe29e1f02477fc1625cc90a136e38bd934" +
        "97c5b6ea63dd7711e67c7429f956b0fb8a8f089adc4b69893cc1333f53edd019b87784252fec914fe4857769594bea42" +
        "80d32c0f55bf62944f130396bc6e9bdf6ebdd2bda3678eeca0c668f701b38dbffb38c8342ce2fe6d27fade4a5a487497" +
        "9dd4b9cf9adec4c75b05852c2c0f5ef8a5c1750392f944e8ed64c110c6b647609aa4783aeb9c6c9ad755313050638b83" +
        "665c6f6f7a82a396702a1f641b82d3ebf2392219491fb686872c5716f50af8358d9a8b9d17c340728f7f87d89a18d8fc" +
        "ab67ad84590c2ecf759339363c07034d6f606f9e21e05456cae5e9a102030100010282010012ae71a469cd0a2bc37e52" +
        "6c4500571f1d61751d64e949707b62590f9d0ba57c963c401e3fcf2f2cd3bdec88e503bfc6439b0b28c82f7d3797671f" +
        "5213eed8c15a25d8d5cea0025ee3ab2e8b7f79216fc63bea562753b40644c6a15127d9b2954540a0bbe1a30556982d4e" +
        "9fde5f6425f14d4b713441b55dc73b9b4aedcc92ace3927e37f57d0cfd5e7581fa512c8f4961a9eb0b80f8a80746728a" +
        "55ff46471f3425063b9d53642f5ede1e84d613081afa5c22d051285bd63b943b565d898a05685413e53c3c6c6525ff1f" +
        "e34e3ddc70f0d56450fda48ba12e104e9deb9fb81881e1c4bdf25d9247f450c865927968e77334f4414f75a750e13954" +
        "6e3a8a739d02818100e01cc410eb48a6655d54464d0aa4bb6da0b872b774a6a9d11ffe480778f0ddb7311a7e902ef9c4" +
        "b5f75476262ba8176cb35979f014372a1a2829e4136bd001d07c3f3f2e4f25d4c934f63c7109fba2e67628a0dc9a73c6" +
        "058e6def22dcd50950e711ddc16d5586f2a7fa75ea8494c18083e0b65742f8a0d5e73fb2d970f0194702818100b903c4" +
        "7e0995b632f4532cb1f3c199145d5f3ae9c7dfeedc7a92a6b47e29c61b42a07aa95a64fc600999c5a7b01e01c08cb62c" +
        "a756527bbcc56078fb0baba5ed38de2d07990ff6300faeadeb6c039a97bf1e507e4e7040fa78db8257c8b112ed5e59c3" +
        "cd092fe5d4e5b51275d41281072a5e785ebaf3dae3709203133f5159d702818007029f577024ab9fcc1590c56429d6fb" +
        "0ce5f820a8f375a866f9cb430093783bfcbb396e4529e6ef52374022dd86ba84d9ef58931beec5d05fa53fcf23b633f8" +
        "538a9eed51e87b097830a39f5d92937be6024b55db36f7e0c09dcbb72975387f615afbb6cb36bbabe7793c2b03ceab66" +
        "dbb931baf50b55ec9af9311d001d628d0281810087ff7afa62b547fee0961b2e9bcd5d6718d39d8ca73db6691f38998d" +
        "e78771762c5da68cc243a5383b166bb23dc570e84706ca801ef5f6bae6236a0aafa3770e8f54d1a8da1c5f8d2899f082" +
        "331ddb0f5c8f3dfffa4c8d97102bdafe082a118da6633988880e4b55599ce67af26ebfa5b2c14a9de7b2c4dd96abddd2" +
        "d2224c7502818021877b0c73a1ad6bf19303d0b11336b4e82b8db72b7efb50262a5df8395cc7256eb8cf6c40b7608d59" +
        "36a32dba174126a527062ead8ca305fb7e177f409437c9dcb9718ed82018bcef0f7720a2c475f9db26da0e3cb516d084" +
        "eb25178e828d5cabd49bb3161ac0181fa7f821e80e7ad37936f9943054ad092921ee2c592e4375"
    static let rs256JWS = "eyJhbGciOiJSUzI1NiJ9." + payload64 + "." + rsaSignature
    /// RFC 7515 A.3.
    static let es256JWK: JSON = ["kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"]
    static let es256JWS = "eyJhbGciOiJFUzI1NiJ9." + payload64 + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

    @Test func rfc7515RS256SignatureIsReproducedAndVerifies() throws {
        let key = try SigningKey(privateKeyDER: Hex.decode(Self.rsaPrivateDER)!, algorithm: .rs256)
        let signingInput = Array(("eyJhbGciOiJSUzI1NiJ9." + Self.payload64).utf8)
        // RSASSA-PKCS1-v1_5 is deterministic: the RFC's signature, byte for byte.
        #expect(Base64URL.encode(try key.sign(signingInput)) == Self.rsaSignature)
        let jwk = try PublicJWK(json: ["kty": "RSA", "n": .string(Self.rsaN), "e": "AQAB"], allowed: [.rs256])
        #expect(jwk == key.publicJWK)
        let claims = try JWS.decode(Self.rs256JWS, allowed: [.rs256]).verified(with: try jwk.verificationKey())
        #expect(claims["iss"] == "joe")
        #expect(claims["exp"]?.intValue == 1_300_819_380)
    }

    @Test func rfc7515ES256Verifies() throws {
        let key = try PublicJWK(json: Self.es256JWK, allowed: [.es256]).verificationKey()
        let claims = try JWS.decode(Self.es256JWS, allowed: [.es256]).verified(with: key)
        #expect(claims["http://example.com/is_root"] == .bool(true))
        // One bit changed in the signature: refused.
        var tampered = Self.es256JWS
        tampered.removeLast()
        tampered.append("R")
        #expect(throws: JOSEError.self) { try JWS.decode(tampered, allowed: [.es256]).verified(with: key) }
    }

    @Test func rfc7638Thumbprint() throws {
        let jwk = try PublicJWK(json: [
            "kty": "RSA", "alg": "RS256", "kid": "2011-04-29", "e": "AQAB",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        ], allowed: [.rs256])
        #expect(jwk.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(jwk.keyID == "2011-04-29")
    }

    @Test(arguments: [JWSAlgorithm.rs256, .es256])
    func generatedKeysSignVerifyAndRoundTripThroughDER(_ algorithm: JWSAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let token = try JWS.sign(["sub": "42"], key: key, kid: "k1", type: "JWT")
        let decoded = try JWS.decode(token, allowed: [algorithm])
        #expect(decoded.keyID == "k1")
        #expect(decoded.type == "JWT")
        #expect(try decoded.verified(with: key.verificationKey())["sub"] == "42")
        let reread = try SigningKey(privateKeyDER: key.privateKeyDER, algorithm: algorithm)
        #expect(reread.publicJWK == key.publicJWK)
        let json = key.publicJWK.json(kid: "k1")
        #expect(json["use"] == "sig")
        #expect(json["alg"] == .string(algorithm.rawValue))
        #expect(json["d"] == nil)
        #expect(try PublicJWK(json: json, allowed: [algorithm]).thumbprint == key.publicJWK.thumbprint)
        // Another key of the same algorithm does not verify it.
        let other = try SigningKey.generate(algorithm)
        #expect(throws: JOSEError.self) { try decoded.verified(with: other.verificationKey()) }
        // A key of one algorithm is not read as the other.
        #expect(throws: JOSEError.self) { try SigningKey(privateKeyDER: key.privateKeyDER, algorithm: algorithm == .rs256 ? .es256 : .rs256) }
    }

    @Test(arguments: [
        // alg none, HMAC, missing alg, alg outside the allow-list
        "eyJhbGciOiJub25lIn0." + payload64 + ".",
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + payload64 + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "e30." + payload64 + "." + rsaSignature,
        "eyJhbGciOiJFUzI1NiJ9." + payload64 + "." + rsaSignature,
        // crit, jwk, jku, x5u in the header
        Base64URL.encode(#"{"alg":"RS256","crit":["exp"],"exp":1}"#) + "." + payload64 + "." + rsaSignature,
        Base64URL.encode(#"{"alg":"RS256","jwk":{"kty":"RSA"}}"#) + "." + payload64 + "." + rsaSignature,
        Base64URL.encode(#"{"alg":"RS256","jku":"https://evil.example/jwks"}"#) + "." + payload64 + "." + rsaSignature,
        Base64URL.encode(#"{"alg":"RS256","x5u":"https://evil.example/cert"}"#) + "." + payload64 + "." + rsaSignature,
        // shape: two parts, four parts, padding, bad base64url, non-object header and payload
        "eyJhbGciOiJSUzI1NiJ9." + payload64,
        rs256JWS + ".x",
        "eyJhbGciOiJSUzI1NiJ9=." + payload64 + "." + rsaSignature,
        "eyJhbGciOiJSUzI1NiJ9." + payload64 + "+." + rsaSignature,
        Base64URL.encode("[1]") + "." + payload64 + "." + rsaSignature,
        "eyJhbGciOiJSUzI1NiJ9." + Base64URL.encode("\"text\"") + "." + rsaSignature,
        String(repeating: "a", count: 20_000),
    ])
    func malformedOrForbiddenJWSIsRefused(_ token: String) {
        #expect(throws: JOSEError.self) { try JWS.decode(token, allowed: [.rs256]) }
    }

    @Test(arguments: [
        ["kty": "RSA", "n": .string(rsaN), "e": "AQAB", "d": "AQAB"] as JSON,
        ["kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"],
        ["kty": "RSA", "n": "AQAB", "e": "AQAB"],
        ["kty": "RSA", "n": .string(rsaN), "e": "AQAB", "use": "enc"],
        ["kty": "RSA", "n": .string(rsaN), "e": "AQAB", "alg": "HS256"],
        ["kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"],
        ["kty": "EC", "crv": "P-384", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"],
        ["kty": "EC", "alg": "RS256", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"],
        "not an object",
    ])
    func badJWKIsRefused(_ json: JSON) {
        #expect(throws: JOSEError.self) { try PublicJWK(json: json, allowed: [.rs256, .es256]) }
    }

    @Test func base64URLIsStrict() {
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("-_9") == nil)      // non-zero unused bits
        #expect(Base64URL.decode("-_8=") == nil)     // padding
        #expect(Base64URL.decode("+/8") == nil)      // standard alphabet
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("") == [])
    }

    @Test func aesGCMSealsAndBindsAssociatedData() throws {
        let key = SecureRandom.bytes(32)
        let box = try AESGCM.seal(Array("secret key".utf8), key: key, associatedData: Array("kid-1".utf8))
        #expect(box.count == 12 + 10 + 16)
        #expect(try AESGCM.open(box, key: key, associatedData: Array("kid-1".utf8)) == Array("secret key".utf8))
        #expect(throws: JOSEError.self) { try AESGCM.open(box, key: key, associatedData: Array("kid-2".utf8)) }
        #expect(throws: JOSEError.self) { try AESGCM.open(box, key: SecureRandom.bytes(32), associatedData: Array("kid-1".utf8)) }
        var altered = box
        altered[14] ^= 1
        #expect(throws: JOSEError.self) { try AESGCM.open(altered, key: key, associatedData: Array("kid-1".utf8)) }
        #expect(throws: JOSEError.self) { try AESGCM.seal([1], key: [1, 2], associatedData: []) }
    }
}
