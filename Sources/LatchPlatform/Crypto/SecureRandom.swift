import CCrypto

/// Bytes from the operating system's CSPRNG (OpenSSL `RAND_bytes`, seeded from getrandom).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let result = buffer.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        precondition(result == 1, "the OS random number generator failed")
        return buffer
    }

    /// `byteCount` random bytes as lowercase hex.
    public static func hex(_ byteCount: Int) -> String {
        Hex.encode(bytes(byteCount))
    }
}
