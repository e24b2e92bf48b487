import CCrypto

/// An OpenSSL `EVP_PKEY`, freed with its owner. Immutable once made; OpenSSL 3 allows
/// concurrent signing and verification with one key (each operation has its own context).
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A parameter of the key as big-endian bytes, zero-padded to `length` when given.
    func bignum(_ name: String, length: Int = 0) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 1024)
        let written = out.withUnsafeMutableBufferPointer { latch_key_bignum(pointer, name, $0.baseAddress, Int32(length)) }
        guard written > 0 else { return nil }
        return Array(out.prefix(Int(written)))
    }

    /// The OpenSSL group name of an EC key, nil for other keys.
    var group: String? {
        var out = [CChar](repeating: 0, count: 64)
        guard latch_key_group(pointer, &out) == 1 else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }
    var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA }
    var isEC: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_EC }

    /// Whether the key fits the algorithm: RSA of 2048 bits or more for RS256 (RFC 7518 §3.3),
    /// P-256 for ES256 (§3.4).
    func fits(_ algorithm: JWSAlgorithm) -> Bool {
        switch algorithm {
        case .rs256: return isRSA && bits >= 2048 && bits <= 8192
        case .es256: return isEC && group == "prime256v1"
        }
    }
}
