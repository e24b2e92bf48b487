import Testing
@testable import LatchCore
@testable import LatchPlatform

@Suite struct CryptoTests {
    @Test func sha256KnownAnswer() {
        #expect(Hex.encode(Digest.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64() {
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55IGNhcm5hbCBwbGVhcw==") == Array("any carnal pleas".utf8))
        #expect(Base64.urlEncode([0xfb, 0xff]) == "-_8")
        #expect(Base64.decode("a") == nil)
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }

    @Test func credentialsRoundTripAndAreDistinct() {
        let a = Credential.mint(.accessToken)
        let b = Credential.mint(.accessToken)
        #expect(a != b)
        #expect(a.value.hasPrefix("lat_"))
        #expect(Credential.parse(a.value, as: .accessToken) == a)
        #expect(Credential.parse(a.value, as: .refreshToken) == nil)
        #expect(Credential.parse(a.value + "x", as: .accessToken) == nil)
        #expect(a.matches(storedHash: a.secretHash))
        #expect(!a.matches(storedHash: b.secretHash))
        #expect(Base64.decode(a.secret.replacing("-", with: "+").replacing("_", with: "/"))?.count == 32)
    }

    @Test func passwordHashVerifies() {
        let stored = PasswordHasher.hash("correct horse", iterations: 1000)
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHasher.verify("correct horse", against: stored))
        #expect(!PasswordHasher.verify("wrong horse", against: stored))
        #expect(!PasswordHasher.verify("x", against: "garbage"))
    }

    @Test func pbkdf2KnownAnswer() {
        // RFC 7914 §11 test vector for PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1), first 32 bytes.
        let derived = PasswordHasher.derive("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(Hex.encode(derived) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }
}
