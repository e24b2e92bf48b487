/// `private_key_jwt` (RFC 7523 §2.2, §3; OpenID Connect Core §9; README "OpenID Connect"): the
/// client proves itself with a JWT signed by a key of its registered `jwks`.
///
/// Rules, each refusal an `invalid_client`: a JWS of RS256 or ES256 (nothing else, `none`
/// never), verified with the client's registered key of that algorithm (by `kid` when the
/// header names one; a key is never taken from the token); `iss` and `sub` the client_id;
/// `aud` the issuer or the token endpoint URL (alone or in an array); `exp` required, in the
/// future and at most `maximumLifetime` away; `nbf`/`iat` not in the future (a minute of clock
/// skew); `jti` required, and used once (`ClientAssertionStore`). A client registered with
/// `jwks_uri` has its keys fetched and cached (`ClientKeySets`); an assertion naming a `kid`
/// the cached set lacks fetches it again (rate-limited).
enum ClientAssertion {
    static let type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// The longest an assertion may still be valid for, seconds.
    static let maximumLifetime = 300
    static let clockSkew = 60
    static let allowed: Set<JWSAlgorithm> = [.rs256, .es256]

    /// The client the assertion says it is from (`sub`, read before anything is verified, only
    /// to find the client); nil when it is not even a JWS with one.
    static func claimedClientID(_ assertion: String) -> String? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64URL.decode(parts[1]), let claims = try? JSON.parse(bytes) else { return nil }
        return claims["sub"]?.stringValue
    }

    /// The assertion's `jti` and `exp` when it proves `client`; `invalid_client` otherwise.
    /// `keySets` fetches the keys of a client registered with `jwks_uri` (nil: such a client is
    /// refused).
    static func verify(_ assertion: String, client: Client, issuer: String, tokenEndpoint: String,
                       now: Int, keySets: ClientKeySets? = nil) throws -> (jti: String, expiresAt: Int) {
        func refuse(_ why: String) -> OAuthError { .invalidClient("client assertion refused: " + why) }
        let decoded: UnverifiedJWS
        do { decoded = try JWS.decode(assertion, allowed: allowed) } catch { throw refuse(error.message) }
        func matching(_ registered: [PublicJWK]) -> [PublicJWK] {
            let keys = registered.filter { $0.algorithm == decoded.algorithm }
            return decoded.keyID.map { kid in keys.filter { $0.keyID == kid } } ?? keys
        }
        var candidates = matching(try registeredKeys(client, keySets: keySets))
        if candidates.isEmpty, decoded.keyID != nil, let url = client.metadata["jwks_uri"]?.stringValue, let keySets {
            // The client may have rotated its keys since the set was cached.
            candidates = matching(try keySets.keys(at: url, unknownKid: true))
        }
        return try verify(decoded, candidates: candidates, clientID: client.clientID, issuer: issuer,
                          tokenEndpoint: tokenEndpoint, now: now)
    }

    /// The assertion's `jti` and `exp` when one of `keys` (the client's, as cached by this
    /// worker: `ClientAssertionKeys`) verifies it and its claims are in order; nil otherwise —
    /// then the full path decides, and says why.
    static func verify(_ assertion: String, clientID: String, keys: [PublicJWK], issuer: String, tokenEndpoint: String,
                       now: Int) -> (jti: String, expiresAt: Int)? {
        guard let decoded = try? JWS.decode(assertion, allowed: allowed) else { return nil }
        let sameAlgorithm = keys.filter { $0.algorithm == decoded.algorithm }
        let candidates = decoded.keyID.map { kid in sameAlgorithm.filter { $0.keyID == kid } } ?? sameAlgorithm
        return try? verify(decoded, candidates: candidates, clientID: clientID, issuer: issuer, tokenEndpoint: tokenEndpoint, now: now)
    }

    /// The checks of an assertion whose keys were chosen: the signature by one of `candidates`,
    /// then the claims.
    static func verify(_ decoded: UnverifiedJWS, candidates: [PublicJWK], clientID: String, issuer: String,
                       tokenEndpoint: String, now: Int) throws -> (jti: String, expiresAt: Int) {
        func refuse(_ why: String) -> OAuthError { .invalidClient("client assertion refused: " + why) }
        guard !candidates.isEmpty else { throw refuse("no registered \(decoded.algorithm.rawValue) key\(decoded.keyID.map { " with kid '\($0)'" } ?? "")") }
        var verified: JSON?
        for jwk in candidates {
            if let key = try? jwk.verificationKey(), let claims = try? decoded.verified(with: key) { verified = claims; break }
        }
        guard let claims = verified else { throw refuse("the signature does not verify with the registered keys") }
        guard claims["iss"]?.stringValue == clientID, claims["sub"]?.stringValue == clientID else {
            throw refuse("iss and sub must be the client_id")
        }
        let audiences = claims["aud"]?.stringValue.map { [$0] } ?? claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard audiences.contains(where: { $0 == issuer || $0 == tokenEndpoint }) else {
            throw refuse("aud must be the issuer or the token endpoint")
        }
        guard let exp = claims["exp"]?.intValue else { throw refuse("exp is required") }
        guard exp > now - clockSkew else { throw refuse("it has expired") }
        guard exp <= now + maximumLifetime + clockSkew else { throw refuse("exp is more than \(maximumLifetime) seconds away") }
        for name in ["nbf", "iat"] {
            if let value = claims[name] {
                guard let time = value.intValue, time <= now + clockSkew else { throw refuse("\(name) is in the future") }
            }
        }
        guard let jti = claims["jti"]?.stringValue, (1...200).contains(jti.utf8.count) else {
            throw refuse("jti is required (1-200 characters)")
        }
        return (jti, exp)
    }

    /// The public keys the client registered: its `jwks`, or the set at its `jwks_uri`.
    static func registeredKeys(_ client: Client, keySets: ClientKeySets?) throws -> [PublicJWK] {
        if let keys = client.metadata["jwks"]?["keys"]?.arrayValue {
            return keys.compactMap { try? PublicJWK(json: $0, allowed: allowed) }
        }
        if let url = client.metadata["jwks_uri"]?.stringValue {
            guard let keySets else { throw OAuthError.invalidClient("client assertion refused: keys at a jwks_uri are not fetched here") }
            return try keySets.keys(at: url)
        }
        return []
    }
}
