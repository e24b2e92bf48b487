/// Proof Key for Code Exchange (RFC 7636), S256 only: `plain` is refused (OAuth 2.1 §4.1.1).
///
/// Authorize stores the `code_challenge`; the token request must present the `code_verifier`
/// with `BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge`, compared in constant time.
public enum PKCE {
    public static let method = "S256"

    /// 43–128 characters of `ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 7636 §4.1, §4.2).
    public static func isWellFormed(_ value: String) -> Bool {
        (43...128).contains(value.utf8.count) && value.utf8.allSatisfy { c in
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"): return true
            default: return false
            }
        }
    }

    /// `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2).
    public static func challenge(forVerifier verifier: String) -> String {
        Base64.urlEncode(Digest.sha256(verifier))
    }

    /// Whether `verifier` is well formed and hashes to `challenge` (constant-time compare).
    public static func verify(_ verifier: String, challenge: String) -> Bool {
        guard isWellFormed(verifier) else { return false }
        return ConstantTime.equals(PKCE.challenge(forVerifier: verifier), challenge)
    }

    /// Authorize step 3b: the request's challenge, or `invalid_request`.
    static func challenge(in parameters: Parameters) throws -> String {
        guard let challenge = try parameters.single("code_challenge") else {
            throw OAuthError.invalidRequest("code_challenge is required (PKCE with S256)")
        }
        guard isWellFormed(challenge) else {
            throw OAuthError.invalidRequest("code_challenge must be 43 to 128 unreserved characters")
        }
        guard let method = try parameters.single("code_challenge_method") else {
            throw OAuthError.invalidRequest("code_challenge_method is required and must be S256")
        }
        guard method == PKCE.method else {
            throw OAuthError.invalidRequest("code_challenge_method must be S256")
        }
        return challenge
    }
}
