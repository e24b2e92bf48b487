import Glibc

/// The settings of the signing keys (README "OpenID Connect"): the key-encryption key read
/// from `LATCH_KEY_ENCRYPTION_KEY_FILE`, how long a new key is published before it signs, and
/// how often the purge rotates. Read by `Configuration` for the executables and by `latchctl`.
public struct KeySettings: Sendable {
    /// The key-encryption key, nil when `LATCH_KEY_ENCRYPTION_KEY_FILE` is not set (then
    /// nothing is signed, and signing says why: `KeySettings.missing`).
    public var encryptionKey: KeyEncryptionKey?
    public var publishDelay = 3600
    public var rotationDays = 30

    public init() {}

    /// What a signing attempt without the key file says (logged; the client sees a
    /// `server_error`).
    public static let missing = "LATCH_KEY_ENCRYPTION_KEY_FILE is not set: latch cannot sign ID tokens or JWT access tokens. Create it with `head -c 32 /dev/urandom > FILE; chmod 600 FILE` and set the variable (README \"OpenID Connect\")"

    /// How long a worker may keep the key set it read: well under the publish delay, so every
    /// worker knows a new key before that key starts signing.
    public var workerCacheSeconds: Int { max(1, min(60, publishDelay / 3)) }

    /// `Cache-Control: max-age` of `/oauth2/jwks`: a relying party that caches the set for
    /// this long, plus a worker's cache, still fetches a new key before it signs.
    public var jwksMaxAge: Int { max(0, min(600, publishDelay / 3)) }

    static func fromEnvironment(_ environment: [String: String], problems: inout [String]) -> KeySettings {
        var settings = KeySettings()
        func number(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                problems.append("\(name)='\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        }
        settings.publishDelay = number("LATCH_KEY_PUBLISH_DELAY", 10...86_400 * 30) ?? settings.publishDelay
        settings.rotationDays = number("LATCH_KEY_ROTATION_DAYS", 1...3650) ?? settings.rotationDays
        if let path = environment["LATCH_KEY_ENCRYPTION_KEY_FILE"], !path.isEmpty {
            switch KeyEncryptionKey.read(path) {
            case .success(let key): settings.encryptionKey = key
            case .failure(let problem): problems.append("LATCH_KEY_ENCRYPTION_KEY_FILE='\(path)' \(problem.message)")
            }
        }
        return settings
    }
}

/// The 32-byte AES-256-GCM key that seals the signing keys at rest. Its description never
/// shows the bytes.
public struct KeyEncryptionKey: Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    public var description: String { "KeyEncryptionKey(32 bytes)" }

    init?(bytes: [UInt8]) {
        guard bytes.count == AESGCM.keyLength else { return nil }
        self.bytes = bytes
    }

    /// Reads the file: exactly 32 bytes, or 64 hex digits (with an optional final newline).
    static func read(_ path: String) -> Result<KeyEncryptionKey, JOSEError> {
        guard let file = fopen(path, "rb") else { return .failure(JOSEError("cannot be read")) }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 130)
        let count = fread(&buffer, 1, buffer.count, file)
        guard ferror(file) == 0 else { return .failure(JOSEError("cannot be read")) }
        var content = Array(buffer.prefix(count))
        if let key = KeyEncryptionKey(bytes: content) { return .success(key) }
        while content.last == UInt8(ascii: "\n") || content.last == UInt8(ascii: "\r") { content.removeLast() }
        if content.count == 64, let decoded = Hex.decode(String(decoding: content, as: UTF8.self)), let key = KeyEncryptionKey(bytes: decoded) {
            return .success(key)
        }
        return .failure(JOSEError("must hold exactly 32 random bytes (or 64 hex digits), e.g. from `head -c 32 /dev/urandom`"))
    }

    func seal(_ privateKey: [UInt8], kid: String) throws(JOSEError) -> [UInt8] {
        try AESGCM.seal(privateKey, key: bytes, associatedData: Array(kid.utf8))
    }

    func open(_ sealed: [UInt8], kid: String) throws(JOSEError) -> [UInt8] {
        try AESGCM.open(sealed, key: bytes, associatedData: Array(kid.utf8))
    }
}
