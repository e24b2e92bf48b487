/// The public keys at a `private_key_jwt` client's `jwks_uri` (RFC 7523 §2.2, RFC 7591 §2;
/// README "OpenID Connect"), fetched the way client metadata documents are
/// (`MetadataClients`): the SSRF-safe `HTTPFetcher` (https, certificate checks, no special-use
/// address, no redirects — or the loopback development mode of `LATCH_CLIENT_METADATA_DEV_LOOPBACK`),
/// a larger byte cap (`maxBytes`) and JSON media types only (`application/jwk-set+json` is
/// one); one fetch at a time per URL under the same transaction-scoped advisory lock
/// (`MetadataClientStore.lock`); cached in PostgreSQL (`client_key_sets`) for the time its
/// `Cache-Control` allows within the metadata cache bounds (`CacheLifetime`). A failed fetch or
/// an unusable set stores nothing (failures are never cached) and refuses the assertion.
///
/// Key rotation at the client: an assertion naming a `kid` the cached set lacks fetches the set
/// again — at most once per `refetchInterval` per URL, so a stream of made-up `kid`s cannot make
/// latch hammer the client's host.
struct ClientKeySets {
    let database: Database
    let configuration: Configuration

    /// The largest JWK Set read (a set of ten 4096-bit RSA keys is well under it).
    static let maxBytes = 64 * 1024
    /// The fewest seconds between two fetches of one URL for an unknown `kid`.
    static let refetchInterval = 60
    /// The most keys a set may hold (as registered `jwks`).
    static let maxKeys = 10

    /// The keys at `url`: the cached set while fresh, else fetched. With `unknownKid`, the
    /// cached set did not have the assertion's `kid`: fetched again unless it was fetched less
    /// than `refetchInterval` seconds ago. `invalid_client` naming the problem when the set
    /// cannot be fetched or used.
    func keys(at url: String, unknownKid: Bool = false) throws -> [PublicJWK] {
        let store = ClientKeySetStore(database: database)
        func usable(_ cached: (jwks: JSON, age: Int)?) -> JSON? {
            guard let cached else { return nil }
            if unknownKid && cached.age >= ClientKeySets.refetchInterval { return nil }
            return cached.jwks
        }
        if let jwks = usable(try store.fresh(url)) { return ClientKeySets.publicKeys(jwks) }
        guard let id = MetadataClientID(url, developmentLoopback: configuration.clientMetadataDevLoopback) else {
            throw ClientKeySets.refusal("jwks_uri \(url) is not a URL latch fetches")
        }
        var fetcher = MetadataClientPolicy(configuration).fetcher(for: id)
        fetcher.policy.maxBytes = ClientKeySets.maxBytes
        let wait = (fetcher.policy.totalTimeoutMilliseconds + fetcher.policy.connectTimeoutMilliseconds) / 1000 + 2
        do {
            return try database.withTransaction { () throws -> [PublicJWK] in
                try MetadataClientStore(database: database).lock(url, waitSeconds: wait)
                // A request that waited for the lock finds what the first one stored.
                if let jwks = usable(try store.fresh(url)) { return ClientKeySets.publicKeys(jwks) }
                let response: FetchedResponse
                do { response = try fetcher.get(url) } catch let error as FetchError {
                    throw ClientKeySets.refusal("the keys at jwks_uri \(url) could not be fetched: \(error.description)")
                        .causedBy(FetchFailure("fetch \(url): \(error.code.rawValue): \(error.detail)"))
                }
                let jwks = try ClientKeySets.parse(response.body, url: url)
                let lifetime = CacheLifetime.seconds(cacheControl: response.header("cache-control"),
                                                     minimum: configuration.clientMetadataMinCache,
                                                     maximum: configuration.clientMetadataMaxCache)
                try store.store(jwks, url: url, lifetime: lifetime)
                return ClientKeySets.publicKeys(jwks)
            }
        } catch let error as DatabaseError where error.sqlState == "55P03" || error.sqlState == "57014" {
            throw ClientKeySets.refusal("the keys at jwks_uri \(url) are being fetched for other requests; try again in a moment")
        }
    }

    /// The set as stored: `{"keys": [...]}` with the public members of each RS256/ES256 key,
    /// 1 to `maxKeys` of them; a set with a private key, or none latch can use, is refused.
    static func parse(_ body: [UInt8], url: String) throws -> JSON {
        guard let json = try? JSON.parse(body), let keys = json["keys"]?.arrayValue else {
            throw refusal("the document at jwks_uri \(url) is not a JWK Set")
        }
        guard (1...maxKeys).contains(keys.count) else { throw refusal("the JWK Set at jwks_uri \(url) must hold 1 to \(maxKeys) keys") }
        var kept: [JSON] = []
        for key in keys {
            if key["d"] != nil { throw refusal("the JWK Set at jwks_uri \(url) holds a private key") }
            guard let jwk = try? PublicJWK(json: key, allowed: ClientAssertion.allowed) else { continue }
            kept.append(jwk.json(kid: jwk.keyID ?? jwk.thumbprint))
        }
        guard !kept.isEmpty else { throw refusal("the JWK Set at jwks_uri \(url) holds no RS256 or ES256 key") }
        return .object([("keys", .array(kept))])
    }

    /// The keys of a stored set.
    static func publicKeys(_ jwks: JSON) -> [PublicJWK] {
        (jwks["keys"]?.arrayValue ?? []).compactMap { try? PublicJWK(json: $0, allowed: ClientAssertion.allowed) }
    }

    static func refusal(_ why: String) -> OAuthError { .invalidClient("client assertion refused: " + why) }
}

/// A failed fetch of a key set, for the log.
struct FetchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
