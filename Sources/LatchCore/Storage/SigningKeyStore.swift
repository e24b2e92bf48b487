/// One row of `signing_keys` (README "OpenID Connect"): the public half, the sealed private
/// half and the key's timeline, in epoch seconds.
public struct StoredSigningKey: Sendable {
    public let kid: String
    public let algorithm: JWSAlgorithm
    public let publicJWK: PublicJWK
    let sealedPrivateKey: [UInt8]
    public let createdAt: Int
    public let publishAt: Int
    public let signsFrom: Int
    public let retiredAt: Int?
    public let unpublishAt: Int?

    /// `next` (published, not yet signing), `current` (signing), `retired` (published until no
    /// token it signed can be live), as `latchctl keys list` shows them.
    public enum State: String, Sendable { case next, current, retired, unpublished }

    public func state(at now: Int) -> State {
        if let unpublishAt, unpublishAt <= now { return .unpublished }
        if let retiredAt, retiredAt <= now { return .retired }
        return signsFrom > now ? .next : .current
    }

    /// Whether `/oauth2/jwks` lists it at `now`.
    public func isPublished(at now: Int) -> Bool {
        publishAt <= now && (unpublishAt.map { $0 > now } ?? true)
    }
}

/// The `signing_keys` table: read by every worker (`SigningKeyRing`), written by
/// `KeyAdministration` (latchctl keys rotate, latchctl purge).
struct SigningKeyStore {
    let database: Database

    static let columns: StaticString = """
        kid, alg, public_jwk::text AS public_jwk, private_key_sealed,
        extract(epoch FROM created_at)::bigint AS created_epoch,
        extract(epoch FROM publish_at)::bigint AS publish_epoch,
        extract(epoch FROM signs_from)::bigint AS signs_epoch,
        extract(epoch FROM retired_at)::bigint AS retired_epoch,
        extract(epoch FROM unpublish_at)::bigint AS unpublish_epoch
        """

    /// Every key not yet unpublished, oldest first: what a worker caches.
    func live() throws -> [StoredSigningKey] {
        try database.query("""
            SELECT \(raw: SigningKeyStore.columns) FROM signing_keys
            WHERE unpublish_at IS NULL OR unpublish_at > now() ORDER BY signs_from, kid
            """).map(SigningKeyStore.key(from:))
    }

    func all() throws -> [StoredSigningKey] {
        try database.query("SELECT \(raw: SigningKeyStore.columns) FROM signing_keys ORDER BY alg, signs_from")
            .map(SigningKeyStore.key(from:))
    }

    /// The latest key of `algorithm` (the one a rotation succeeds), with the database's clock.
    func latest(_ algorithm: JWSAlgorithm) throws -> (key: StoredSigningKey, now: Int)? {
        try database.query("""
            SELECT \(raw: SigningKeyStore.columns), extract(epoch FROM now())::bigint AS now_epoch
            FROM signing_keys WHERE alg = \(algorithm.rawValue) ORDER BY signs_from DESC LIMIT 1
            """).first.map { (try SigningKeyStore.key(from: $0), try $0.int("now_epoch")) }
    }

    func insert(kid: String, algorithm: JWSAlgorithm, publicJWK: JSON, sealed: [UInt8], signsAfter delay: Int) throws {
        try database.query("""
            INSERT INTO signing_keys (kid, alg, public_jwk, private_key_sealed, publish_at, signs_from)
            VALUES (\(kid), \(algorithm.rawValue), \(publicJWK.serialized)::jsonb, \(sealed), now(),
                    now() + make_interval(secs => \(delay)))
            """)
    }

    /// Retires `kid` when its successor starts signing (`delay` from now) and unpublishes it
    /// `lifetime` later.
    func retire(kid: String, afterSeconds delay: Int, unpublishAfter lifetime: Int) throws {
        try database.query("""
            UPDATE signing_keys SET retired_at = now() + make_interval(secs => \(delay)),
                                    unpublish_at = now() + make_interval(secs => \(delay + lifetime))
            WHERE kid = \(kid) AND retired_at IS NULL
            """)
    }

    /// Deletes the keys no live token can need any more; how many.
    func deleteUnpublished() throws -> Int {
        try database.query("DELETE FROM signing_keys WHERE unpublish_at <= now() RETURNING kid").count
    }

    static func key(from row: Row) throws -> StoredSigningKey {
        let kid = try row.string("kid")
        guard let algorithm = JWSAlgorithm(rawValue: try row.string("alg")),
              let json = try? JSON.parse(Array(try row.string("public_jwk").utf8)),
              let jwk = try? PublicJWK(json: json, allowed: [algorithm]) else {
            throw DatabaseError.decoding("signing key \(kid) is not a valid public key")
        }
        return StoredSigningKey(kid: kid, algorithm: algorithm, publicJWK: jwk, sealedPrivateKey: try row.bytes("private_key_sealed"),
                                createdAt: try row.int("created_epoch"), publishAt: try row.int("publish_epoch"),
                                signsFrom: try row.int("signs_epoch"), retiredAt: row.optionalInt("retired_epoch"),
                                unpublishAt: row.optionalInt("unpublish_epoch"))
    }
}
