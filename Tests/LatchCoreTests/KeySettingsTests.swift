import Glibc
import Testing
@testable import LatchCore
@testable import LatchPlatform

/// The signing-key settings (README "OpenID Connect"): defaults, ranges, the key file's shape,
/// and the caches kept shorter than the publish delay.
@Suite struct KeySettingsTests {
    static let base = ["LATCH_DATABASE_URL": "dbname=latch", "LATCH_ISSUER": "https://auth.example.com"]

    func file(_ bytes: [UInt8]) -> String {
        var template = Array("/tmp/latch-kek-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return String(cString: template)
    }

    @Test func defaultsWithoutAKeyFile() throws {
        let configuration = try Configuration.fromEnvironment(Self.base)
        #expect(configuration.keys.encryptionKey == nil)
        #expect(configuration.keys.publishDelay == 3600)
        #expect(configuration.keys.rotationDays == 30)
        #expect(configuration.keys.workerCacheSeconds == 60)
        #expect(configuration.keys.jwksMaxAge == 600)
    }

    @Test(arguments: [10, 60, 3600, 86_400])
    func cachesStayWellUnderThePublishDelay(_ delay: Int) throws {
        let configuration = try Configuration.fromEnvironment(Self.base.merging(["LATCH_KEY_PUBLISH_DELAY": String(delay)]) { $1 })
        let keys = configuration.keys
        #expect(keys.workerCacheSeconds + keys.jwksMaxAge < delay)
    }

    @Test func rawAndHexKeyFilesAreRead() throws {
        let raw = SecureRandom.bytes(32)
        for content in [raw, Array((Hex.encode(raw) + "\n").utf8)] {
            let path = file(content)
            defer { unlink(path) }
            let configuration = try Configuration.fromEnvironment(Self.base.merging(["LATCH_KEY_ENCRYPTION_KEY_FILE": path]) { $1 })
            #expect(configuration.keys.encryptionKey?.bytes == raw)
            #expect(!String(describing: configuration.keys.encryptionKey!).contains(Hex.encode(raw)))
        }
    }

    @Test func badValuesAreNamed() {
        let short = file(Array("short".utf8))
        defer { unlink(short) }
        #expect {
            try Configuration.fromEnvironment(Self.base.merging([
                "LATCH_KEY_ENCRYPTION_KEY_FILE": short, "LATCH_KEY_PUBLISH_DELAY": "5", "LATCH_KEY_ROTATION_DAYS": "0",
            ]) { $1 })
        } throws: { error in
            let text = String(describing: error)
            return text.contains("LATCH_KEY_ENCRYPTION_KEY_FILE='\(short)' must hold exactly 32 random bytes")
                && text.contains("LATCH_KEY_PUBLISH_DELAY='5'") && text.contains("LATCH_KEY_ROTATION_DAYS='0'")
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(Self.base.merging(["LATCH_KEY_ENCRYPTION_KEY_FILE": "/nonexistent/kek"]) { $1 })
        }
    }

    @Test func keyStatesFollowTheTimeline() throws {
        let jwk = try SigningKey.generate(.es256).publicJWK
        let key = StoredSigningKey(kid: jwk.thumbprint, algorithm: .es256, publicJWK: jwk, sealedPrivateKey: [], createdAt: 0,
                                   publishAt: 100, signsFrom: 200, retiredAt: 300, unpublishAt: 400)
        #expect(!key.isPublished(at: 99) && key.isPublished(at: 100) && key.isPublished(at: 399) && !key.isPublished(at: 400))
        #expect(key.state(at: 150) == .next)
        #expect(key.state(at: 200) == .current)
        #expect(key.state(at: 300) == .retired)
        #expect(key.state(at: 400) == .unpublished)
    }
}
