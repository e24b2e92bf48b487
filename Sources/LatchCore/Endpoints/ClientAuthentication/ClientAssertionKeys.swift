/// This worker's copy of the keys of `private_key_jwt` clients it authenticated (README "OpenID
/// Connect"), so that their next token request is ONE statement like a secret's: the assertion
/// is verified in Swift with the cached keys, and the issuing statement checks that those keys
/// are still the client's (`ClientProof.Method.assertion`) and records the `jti` with what it
/// issues. Filled by the full path (`ClientAuthenticator`) after an assertion verified there;
/// an entry lives `lifetimeSeconds`, at most `maximumEntries` of them. A stale entry can never
/// accept a key the client no longer has: the statement compares the keys with the client's row
/// (and the cached key set of a `jwks_uri`) and issues nothing otherwise. Workers are
/// single-threaded processes: the state is per process.
enum ClientAssertionKeys {
    struct Entry {
        let keys: [PublicJWK]
        let jwks: String?
        let jwksURI: String?
        let keySet: String?
        let loadedAt: UInt64
    }

    static let lifetimeSeconds: UInt64 = 300
    static let maximumEntries = 1_000
    nonisolated(unsafe) private static var entries: [String: Entry] = [:]

    /// Remembers the keys that verified `client`'s assertion: its `jwks`, or `keySet` (the set
    /// cached for its `jwks_uri`).
    static func remember(_ client: Client, keySet: JSON?) {
        let now = Clock.monotonicNanoseconds()
        if entries.count >= maximumEntries {
            entries = entries.filter { now &- $0.value.loadedAt < lifetimeSeconds * 1_000_000_000 }
            if entries.count >= maximumEntries { entries = [:] }
        }
        let jwks = client.metadata["jwks"]
        let uri = client.metadata["jwks_uri"]?.stringValue
        let keys = jwks.map { ClientKeySets.publicKeys($0) } ?? keySet.map { ClientKeySets.publicKeys($0) } ?? []
        guard !keys.isEmpty, jwks != nil || (uri != nil && keySet != nil) else { return }
        entries[client.clientID] = Entry(keys: keys, jwks: jwks?.serialized, jwksURI: jwks == nil ? uri : nil,
                                         keySet: jwks == nil ? keySet?.serialized : nil, loadedAt: now)
    }

    /// The one-trip proof of a request presenting `assertion`, when this worker holds the
    /// client's keys and they verify it; nil otherwise (the full path runs).
    static func proof(_ presented: PresentedClient, _ assertion: String, _ context: Context) -> ClientProof? {
        guard let entry = entries[presented.clientID],
              Clock.monotonicNanoseconds() &- entry.loadedAt < lifetimeSeconds * 1_000_000_000 else { return nil }
        let issuer = context.configuration.issuer
        guard let (jti, expiresAt) = ClientAssertion.verify(assertion, clientID: presented.clientID, keys: entry.keys,
                                                            issuer: issuer, tokenEndpoint: issuer + "/oauth2/tokens",
                                                            now: Clock.now()) else { return nil }
        return .asserted(presented.clientID,
                         AssertedKeys(jti: jti, expiresAt: expiresAt, jwks: entry.jwks, jwksURI: entry.jwksURI, keySet: entry.keySet),
                         unverifiedTokensPerMinute: context.configuration.unverifiedTokensPerMinute)
    }
}
