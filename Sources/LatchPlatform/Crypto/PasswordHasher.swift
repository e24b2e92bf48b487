import CCrypto

/// PBKDF2-HMAC-SHA256 at OWASP's current strength (600,000 iterations, 16-byte salt).
/// Stored as `pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64`.
public enum PasswordHasher {
    public static let defaultIterations = 600_000

    public static func hash(_ password: String, iterations: Int = defaultIterations) -> String {
        let salt = SecureRandom.bytes(16)
        let derived = derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256",
              let iterations = Int(parts[1]), iterations > 0, iterations <= 10_000_000,
              let salt = Base64.decode(String(parts[2])),
              let expected = Base64.decode(String(parts[3])), expected.count == 32
        else { return false }
        return ConstantTime.equals(derive(password, salt: salt, iterations: iterations), expected)
    }

    /// A hash of a random password, checked when the account does not exist so that
    /// timing does not reveal which usernames exist. Every FastCGI executable computes it at
    /// start-up (`prepareDecoy()`, before forking), never on the first unknown user.
    public static let decoy: String = hash(Hex.encode(SecureRandom.bytes(16)))

    /// Computes `decoy` now (a Swift `static let` is otherwise computed on first use).
    public static func prepareDecoy() { _ = decoy }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let length = Int32(password.utf8.count)
        password.withCString { pass in
            salt.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    let ok = PKCS5_PBKDF2_HMAC(pass, length, s.baseAddress, Int32(s.count), Int32(iterations), EVP_sha256(), 32, o.baseAddress)
                    precondition(ok == 1, "PBKDF2 failed")
                }
            }
        }
        return out
    }
}
