/// RFC 9068 JWT access tokens (README "JWT access tokens"), for resources registered with
/// `--token-format jwt`: a resource server on another host verifies them offline from
/// `/oauth2/jwks`. The token is not stored as such: its `jti` is the id of the stored token row
/// (whose secret is never handed out), so revocation, introspection, `/oauth2/check`, the own
/// API and userinfo treat it like an opaque token — latch verifies the JWS with the worker's
/// key ring (`SigningKeyRing`), then does the one lookup by `jti`, without a secret to compare.
enum JWTAccessToken {
    /// The JWS `typ` (RFC 9068 §2.1); `application/at+jwt` is accepted on input too.
    static let type = "at+jwt"
    /// The one algorithm latch signs access tokens with, and accepts on them (RFC 9068 §2.1
    /// requires RS256 support; an allow-list of one refuses `none`, HMAC and ES256 alike).
    static let algorithm = JWSAlgorithm.rs256

    /// The claims (RFC 9068 §2.2), in order: `iss`, `sub` (the user's stable id, or the client
    /// for a client's own token, §2.2), `aud` (the resource), `client_id`, `scope`, `jti`,
    /// `exp`, `iat`, `auth_time` (when there is a user and it is known).
    static func claims(_ facts: SignedAccessFacts, jti: String, scope: String, issuer: String,
                       now: Int, expiresIn: Int) -> JSON {
        var claims: [(String, JSON)] = [
            ("iss", .string(issuer)),
            ("sub", .string(facts.userID.map { String($0) } ?? facts.clientID)),
            ("aud", .string(facts.audience)),
            ("client_id", .string(facts.clientID)),
            ("scope", .string(scope)),
            ("jti", .string(jti)),
            ("exp", .integer(now + expiresIn)),
            ("iat", .integer(now)),
        ]
        if facts.userID != nil, let authTime = facts.authTime { claims.append(("auth_time", .integer(authTime))) }
        return .object(claims)
    }

    /// The signed access token of `issued`, nil when its audience wants an opaque one.
    static func sign(for issued: IssuedTokens, _ context: Context) throws -> String? {
        guard let facts = issued.signedAccess else { return nil }
        let (kid, key) = try SigningKeyRing.signer(algorithm, context)
        let claims = JWTAccessToken.claims(facts, jti: issued.accessToken.id, scope: issued.scope,
                                           issuer: context.configuration.issuer, now: Clock.now(), expiresIn: issued.expiresIn)
        do {
            return try JWS.sign(claims, key: key, kid: kid, type: type)
        } catch {
            throw OAuthError.serverError.causedBy(error)
        }
    }

    /// Whether `presented` has the shape of a compact JWS (three dot-separated parts), not of
    /// an opaque latch token.
    static func looksSigned(_ presented: String) -> Bool {
        Credential.kind(of: presented) == nil && presented.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count == 2
    }

    /// The `jti` of `presented` when it is a JWT access token latch signed and it is in order:
    /// RS256 only, `typ` `at+jwt`, a `kid` of a published key of this worker's ring whose
    /// signature verifies, `iss` this issuer, an `exp` in the future, and a `jti` shaped like a
    /// token id. nil otherwise — never an error: an unknown or broken token is just not live.
    static func verifiedID(_ presented: String, _ context: Context) throws -> String? {
        guard looksSigned(presented), let decoded = try? JWS.decode(presented, allowed: [algorithm]),
              let kid = decoded.keyID, let type = decoded.type?.lowercased(),
              type == JWTAccessToken.type || type == "application/" + JWTAccessToken.type else { return nil }
        guard let stored = try SigningKeyRing.published(context).first(where: { $0.kid == kid && $0.algorithm == algorithm }),
              let key = try? stored.publicJWK.verificationKey(),
              let claims = try? decoded.verified(with: key) else { return nil }
        guard claims["iss"]?.stringValue == context.configuration.issuer,
              let exp = claims["exp"]?.intValue, exp > Clock.now(),
              let jti = claims["jti"]?.stringValue, isTokenID(jti) else { return nil }
        return jti
    }

    /// A stored token id: `Credential.idLength` lowercase hex characters.
    static func isTokenID(_ text: String) -> Bool {
        text.utf8.count == Credential.idLength
            && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
