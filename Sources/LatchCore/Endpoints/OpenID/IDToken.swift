/// The ID token of a token response with `openid` granted (OpenID Connect Core §2, §3.1.3.3,
/// §3.1.3.6; README "OpenID Connect"): a JWS signed in Swift after the one statement, with the
/// current key of the client's algorithm from this worker's key ring.
enum IDToken {
    /// The claims, in order: `iss`, `sub` (the user's stable id), `aud` and `azp` (the
    /// client), `exp` (as long as an access token lives), `iat`, `auth_time`, `nonce` (when the
    /// request had one), `at_hash`, then the claims of the granted scopes: `profile` →
    /// `preferred_username`, `name`; `email` → `email`, `email_verified` (when the user has one).
    static func claims(_ identity: TokenIdentity, accessToken: String, scopes: [String], issuer: String,
                       now: Int, lifetime: Int) -> JSON {
        var claims: [(String, JSON)] = [
            ("iss", .string(issuer)),
            ("sub", .string(String(identity.userID))),
            ("aud", .string(identity.clientID)),
            ("azp", .string(identity.clientID)),
            ("exp", .integer(now + lifetime)),
            ("iat", .integer(now)),
        ]
        if let authTime = identity.authTime { claims.append(("auth_time", .integer(authTime))) }
        if let nonce = identity.nonce { claims.append(("nonce", .string(nonce))) }
        claims.append(("at_hash", .string(accessTokenHash(accessToken))))
        return .object(claims + UserClaims.claims(identity, scopes: scopes))
    }

    /// `at_hash` (Core §3.1.3.6): base64url of the left half of the SHA-256 of the access
    /// token's ASCII — the hash of both RS256 and ES256.
    static func accessTokenHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(Digest.sha256(accessToken).prefix(16)))
    }

    /// The signed ID token for `issued`, nil when it carries no identity (no `openid`).
    static func sign(for issued: IssuedTokens, _ context: Context) throws -> String? {
        guard let identity = issued.identity else { return nil }
        let (kid, key) = try SigningKeyRing.signer(identity.algorithm, context)
        let configuration = context.configuration
        let claims = IDToken.claims(identity, accessToken: issued.accessTokenValue, scopes: ScopeSet.parse(issued.scope) ?? [],
                                    issuer: configuration.issuer, now: Clock.now(), lifetime: configuration.accessTokenLifetime)
        do {
            return try JWS.sign(claims, key: key, kid: kid, type: "JWT")
        } catch {
            throw OAuthError.serverError.causedBy(error)
        }
    }
}

/// The claims of the granted scopes about the person (OpenID Connect Core §5.4), shared by the
/// ID token and userinfo.
enum UserClaims {
    static func claims(_ identity: TokenIdentity, scopes: [String]) -> [(String, JSON)] {
        var claims: [(String, JSON)] = []
        if scopes.contains("profile") {
            claims.append(("preferred_username", .string(identity.username)))
            claims.append(("name", .string(identity.username)))
        }
        if scopes.contains("email"), let email = identity.email {
            claims.append(("email", .string(email)))
            claims.append(("email_verified", .bool(identity.emailVerified)))
        }
        return claims
    }
}
