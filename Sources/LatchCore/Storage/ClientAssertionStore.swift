/// `client_assertion_jtis`: each `private_key_jwt` assertion's `jti`, kept until the assertion
/// expires, so that it is accepted once (RFC 7523 §3 item 7).
struct ClientAssertionStore {
    let database: Database

    /// Records the jti; false when the client used it before (a replay).
    func consume(clientID: String, jti: String, expiresAt: Int) throws -> Bool {
        !(try database.query("""
            INSERT INTO client_assertion_jtis (client_id, jti, expires_at)
            VALUES (\(clientID), \(jti), to_timestamp(\(expiresAt)::bigint))
            ON CONFLICT (client_id, jti) DO NOTHING RETURNING 1 AS fresh
            """).isEmpty)
    }

    /// Deletes the jtis of expired assertions (`latchctl purge`); how many.
    func deleteExpired() throws -> Int {
        try database.query("DELETE FROM client_assertion_jtis WHERE expires_at < now() RETURNING 1 AS gone").count
    }
}
