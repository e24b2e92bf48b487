/// This worker's copy of the signing keys (README "OpenID Connect"): read from
/// `signing_keys` at most every `KeySettings.workerCacheSeconds` (less than the publish delay,
/// so a worker always holds a new key before that key's `signs_from`), and each private key
/// unsealed once. Signing never reads the database: the current key of an algorithm is the
/// cached one with the latest `signs_from` in the past, so a worker switches to the next key
/// at its moment by itself, without a restart. Workers are single-threaded processes: the
/// state is per process.
enum SigningKeyRing {
    nonisolated(unsafe) private static var cached: [StoredSigningKey] = []
    nonisolated(unsafe) private static var loadedAt: UInt64?
    nonisolated(unsafe) private static var unsealed: [String: SigningKey] = [:]

    /// The live keys, from the cache while it is fresh.
    static func keys(_ context: Context) throws -> [StoredSigningKey] {
        if isFresh(context) { return cached }
        cached = try SigningKeyStore(database: context.database).live()
        loadedAt = Clock.monotonicNanoseconds()
        let kids = Set(cached.map(\.kid))
        unsealed = unsealed.filter { kids.contains($0.key) }
        return cached
    }

    /// The keys `/oauth2/jwks` lists now: next, current and retired-but-live.
    static func published(_ context: Context) throws -> [StoredSigningKey] {
        let now = Clock.now()
        return try keys(context).filter { $0.isPublished(at: now) }
    }

    /// The key that signs `algorithm` now, with its `kid`: of the keys signing and not retired
    /// at this moment, the one that started last. A `server_error` (its cause says why, e.g. no
    /// key-encryption key) when there is none.
    static func signer(_ algorithm: JWSAlgorithm, _ context: Context) throws -> (kid: String, key: SigningKey) {
        guard let encryptionKey = context.configuration.keys.encryptionKey else {
            throw OAuthError.serverError.causedBy(KeyAdministrationError(KeySettings.missing))
        }
        let now = Clock.now()
        guard let current = try keys(context).filter({ $0.algorithm == algorithm && $0.state(at: now) == .current })
            .max(by: { $0.signsFrom < $1.signsFrom }) else {
            throw OAuthError.serverError.causedBy(KeyAdministrationError("no \(algorithm.rawValue) signing key: run latchctl keys rotate (or latchctl migrate)"))
        }
        if let key = unsealed[current.kid] { return (current.kid, key) }
        do {
            let der = try encryptionKey.open(current.sealedPrivateKey, kid: current.kid)
            let key = try SigningKey(privateKeyDER: der, algorithm: algorithm)
            unsealed[current.kid] = key
            return (current.kid, key)
        } catch {
            throw OAuthError.serverError.causedBy(KeyAdministrationError("signing key \(current.kid) does not open with LATCH_KEY_ENCRYPTION_KEY_FILE (another deployment's file?): \(error)"))
        }
    }

    /// Whether this worker can sign with every algorithm, as far as it knows without a round
    /// trip: what `TokenEndpoint` checks before a token request's statement (the hot path must
    /// not gain one). False without a key-encryption key; with a fresh cache, whether a current
    /// key of each algorithm is there and opens; with a stale or empty cache, true (signing
    /// reads the keys and finds out — the one request per cache period that may then fail
    /// after its statement is still answered 503, `TokenEndpoint.token`).
    static func canSign(_ context: Context) -> Bool {
        guard context.configuration.keys.encryptionKey != nil else { return false }
        guard isFresh(context) else { return true }
        return JWSAlgorithm.allCases.allSatisfy { (try? signer($0, context)) != nil }
    }

    /// Whether the cached keys were read within `KeySettings.workerCacheSeconds`.
    private static func isFresh(_ context: Context) -> Bool {
        guard let loadedAt else { return false }
        return Clock.monotonicNanoseconds() &- loadedAt < UInt64(context.configuration.keys.workerCacheSeconds) * 1_000_000_000
    }

    /// Forgets the cache (tests).
    static func reset() {
        cached = []
        loadedAt = nil
        unsealed = [:]
    }
}
