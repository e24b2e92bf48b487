/// `client_key_sets`: the JWK Sets fetched from `private_key_jwt` clients' `jwks_uri`s
/// (`ClientKeySets`, README "OpenID Connect").
struct ClientKeySetStore {
    let database: Database

    /// The cached set at `url` while it is fresh, with its age in seconds; nil otherwise.
    func fresh(_ url: String) throws -> (jwks: JSON, age: Int)? {
        guard let row = try database.query("""
            SELECT jwks::text AS jwks, extract(epoch FROM now() - fetched_at)::int AS age
            FROM client_key_sets WHERE url = \(url) AND expires_at > now()
            """).first, let jwks = try? JSON.parse(Array(try row.string("jwks").utf8)) else { return nil }
        return (jwks, try row.int("age"))
    }

    /// Stores the set fetched from `url` now, for `lifetime` seconds (replacing the one cached).
    func store(_ jwks: JSON, url: String, lifetime: Int) throws {
        try database.query("""
            INSERT INTO client_key_sets (url, jwks, fetched_at, expires_at)
            VALUES (\(url), \(jwks.serialized)::jsonb, now(), now() + make_interval(secs => \(lifetime)))
            ON CONFLICT (url) DO UPDATE SET jwks = EXCLUDED.jwks, fetched_at = EXCLUDED.fetched_at,
                                            expires_at = EXCLUDED.expires_at
            """)
    }
}
