/// The signing keys' life (README "OpenID Connect"): `latchctl keys list|rotate`, and from
/// `latchctl purge` the first keys, the scheduled rotation every `LATCH_KEY_ROTATION_DAYS` and
/// the deletion of keys no live token needs.
///
/// A rotation makes, for each algorithm, a key published at once that signs only after
/// `LATCH_KEY_PUBLISH_DELAY`, and retires the key it succeeds at that moment, keeping it
/// published for the longest lifetime of what it signed (ID tokens and JWT access tokens live
/// `LATCH_ACCESS_TOKEN_LIFETIME`) plus a minute of clock skew. So a relying party that caches
/// `/oauth2/jwks` (for at most its `max-age`) never meets an unknown `kid`, and no token
/// becomes unverifiable before it expires.
public struct KeyAdministration {
    let database: Database
    let actor: AdminActor
    let settings: KeySettings
    /// The longest lifetime of a token a key signs, seconds.
    let signedTokenLifetime: Int

    /// Slack for clocks that differ between hosts.
    static let clockSkew = 60

    public init(database: Database, actor: AdminActor, settings: KeySettings, signedTokenLifetime: Int) {
        self.database = database
        self.actor = actor
        self.settings = settings
        self.signedTokenLifetime = signedTokenLifetime
    }

    /// Whether keys can be made and opened here (the key-encryption key is set).
    public var canSign: Bool { settings.encryptionKey != nil }

    /// Every stored key and the database's clock (to tell their state).
    public func list() throws -> (keys: [StoredSigningKey], now: Int) {
        let keys = try SigningKeyStore(database: database).all()
        let now = try database.query("SELECT extract(epoch FROM now())::bigint AS now").first?.int("now") ?? Clock.now()
        return (keys, now)
    }

    /// When `rotate` makes a key for an algorithm.
    public enum Occasion: Sendable {
        /// Always (`latchctl keys rotate`), unless a next key is already waiting to sign.
        case requested
        /// When the current key has signed for `LATCH_KEY_ROTATION_DAYS` (`latchctl purge`).
        case scheduled
        /// Only when the algorithm has no key at all (`latchctl migrate`).
        case missing
    }

    public struct Rotated: Sendable {
        public let kid: String
        public let algorithm: JWSAlgorithm
        public let signsFrom: Int
        /// The key it succeeds, which retires at `signsFrom`.
        public let replaces: String?
    }

    /// Whether the schema has the signing-keys table (migration 020): `latchctl migrate` run
    /// with an older set of migrations (`--dir`) makes no keys.
    public func schemaHasKeys() throws -> Bool {
        try database.query("SELECT to_regclass('signing_keys') IS NOT NULL AS present").first?.bool("present") ?? false
    }

    /// Makes the keys `occasion` calls for, in one transaction (one rotation at a time), with
    /// one audit row; what it made. An algorithm's first key signs at once: nobody can hold
    /// a token of it yet.
    @discardableResult
    public func rotate(_ occasion: Occasion) throws -> [Rotated] {
        guard let encryptionKey = settings.encryptionKey else { throw KeyAdministrationError(KeySettings.missing) }
        let store = SigningKeyStore(database: database)
        return try database.withTransaction { () throws -> [Rotated] in
            try database.query("SELECT pg_advisory_xact_lock(7460738)")
            var made: [Rotated] = []
            for algorithm in JWSAlgorithm.allCases {
                let latest = try store.latest(algorithm)
                let delay: Int
                switch (latest, occasion) {
                case (nil, _): delay = 0
                case let (latest?, _) where latest.key.signsFrom > latest.now: continue   // a next key is waiting
                case (_?, .missing): continue
                case let (latest?, .scheduled) where latest.key.signsFrom + settings.rotationDays * 86_400 > latest.now + settings.publishDelay: continue
                default: delay = settings.publishDelay
                }
                let key = try SigningKey.generate(algorithm)
                let kid = key.publicJWK.thumbprint
                let sealed = try encryptionKey.seal(key.privateKeyDER, kid: kid)
                try store.insert(kid: kid, algorithm: algorithm, publicJWK: key.publicJWK.json(kid: kid), sealed: sealed, signsAfter: delay)
                if let latest {
                    try store.retire(kid: latest.key.kid, afterSeconds: delay, unpublishAfter: signedTokenLifetime + KeyAdministration.clockSkew)
                }
                let now = latest?.now ?? Clock.now()
                made.append(Rotated(kid: kid, algorithm: algorithm, signsFrom: now + delay, replaces: latest?.key.kid))
            }
            if !made.isEmpty {
                try actor.record(.adminKeysRotated, in: database, detail: ["rotated": .array(made.map {
                    ["kid": .string($0.kid), "alg": .string($0.algorithm.rawValue), "signs_from": .integer($0.signsFrom),
                     "replaces": $0.replaces.map { .string($0) } ?? .null]
                })])
            }
            return made
        }
    }

    /// Deletes the keys past their `unpublish_at`; how many.
    public func deleteUnpublished() throws -> Int {
        try SigningKeyStore(database: database).deleteUnpublished()
    }

    /// Deletes the jtis of expired `private_key_jwt` assertions (signed with the clients' keys,
    /// the other half of OpenID Connect's JOSE); how many.
    public func deleteExpiredAssertions() throws -> Int {
        try ClientAssertionStore(database: database).deleteExpired()
    }
}

/// A key operation that cannot be done (no key-encryption key): its text says what to do.
public struct KeyAdministrationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
