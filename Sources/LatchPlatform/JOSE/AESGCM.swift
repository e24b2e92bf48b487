import CCrypto

/// AES-256-GCM (NIST SP 800-38D) through OpenSSL's EVP interface, for data encrypted at rest.
///
/// A sealed box is `nonce (12 bytes) || ciphertext || tag (16 bytes)`; the nonce is random for
/// each seal (96 bits from the CSPRNG: safe for far more seals than one key-encryption key
/// ever makes). The associated data is authenticated, not stored: opening with other
/// associated data fails, which binds a ciphertext to the row it belongs to.
public enum AESGCM {
    public static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8]) throws(JOSEError) -> [UInt8] {
        guard key.count == keyLength else { throw JOSEError("AES-256-GCM needs a 32-byte key") }
        let nonce = SecureRandom.bytes(nonceLength)
        guard let context = EVP_CIPHER_CTX_new() else { throw JOSEError("AES-GCM context allocation failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagLength)
        var length: Int32 = 0
        var finalLength: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { throw JOSEError("AES-GCM initialisation failed") }
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { throw JOSEError("AES-GCM failed") }
        }
        let sealed = ciphertext.withUnsafeMutableBufferPointer { out -> Bool in
            guard EVP_EncryptUpdate(context, out.baseAddress, &length, plaintext, Int32(plaintext.count)) == 1 else { return false }
            return EVP_EncryptFinal_ex(context, out.baseAddress! + Int(length), &finalLength) == 1
        }
        guard sealed, EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1 else { throw JOSEError("AES-GCM failed") }
        return nonce + ciphertext.prefix(Int(length + finalLength)) + tag
    }

    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8]) throws(JOSEError) -> [UInt8] {
        guard key.count == keyLength else { throw JOSEError("AES-256-GCM needs a 32-byte key") }
        guard box.count >= nonceLength + tagLength else { throw JOSEError("sealed data too short") }
        let nonce = Array(box.prefix(nonceLength))
        var tag = Array(box.suffix(tagLength))
        let ciphertext = Array(box.dropFirst(nonceLength).dropLast(tagLength))
        guard let context = EVP_CIPHER_CTX_new() else { throw JOSEError("AES-GCM context allocation failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        var finalLength: Int32 = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { throw JOSEError("AES-GCM initialisation failed") }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { throw JOSEError("AES-GCM failed") }
        }
        let opened = plaintext.withUnsafeMutableBufferPointer { out -> Bool in
            guard EVP_DecryptUpdate(context, out.baseAddress, &length, ciphertext, Int32(ciphertext.count)) == 1,
                  EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &tag) == 1 else { return false }
            return EVP_DecryptFinal_ex(context, out.baseAddress! + Int(length), &finalLength) == 1
        }
        guard opened else { throw JOSEError("sealed data does not authenticate (wrong key, wrong associated data or altered)") }
        return Array(plaintext.prefix(Int(length + finalLength)))
    }
}
