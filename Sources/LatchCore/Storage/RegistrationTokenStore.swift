/// RFC 7592 registration access tokens: `clients.registration_token_id` and
/// `clients.registration_token_hash` (only a hash of the secret part is stored).
public struct RegistrationTokenStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Gives the client a new registration access token, replacing any other; the value is shown once.
    public func issue(for clientID: String) throws -> Credential {
        let token = Credential.mint(.registrationAccessToken)
        try database.query("""
            UPDATE clients SET registration_token_id = \(token.id), registration_token_hash = \(token.secretHash)
            WHERE client_id = \(clientID)
            """)
        return token
    }

    /// The presented token when it is the live registration access token of `clientID`
    /// (hash compared in constant time), else nil.
    public func verify(_ presented: String, clientID: String) throws -> Credential? {
        guard clientID.utf8.count <= 200, let token = Credential.parse(presented, as: .registrationAccessToken),
              let row = try database.query("""
                SELECT registration_token_hash FROM clients
                WHERE client_id = \(clientID) AND registration_token_id = \(token.id) AND registration_token_hash IS NOT NULL
                """).first,
              token.matches(storedHash: try row.bytes("registration_token_hash"))
        else { return nil }
        return token
    }

    /// Replaces `current` (already verified) with a new token in one statement; nil when `current`
    /// is no longer the client's token (another request rotated it first).
    public func rotate(clientID: String, from current: Credential) throws -> Credential? {
        let token = Credential.mint(.registrationAccessToken)
        let rows = try database.query("""
            UPDATE clients SET registration_token_id = \(token.id), registration_token_hash = \(token.secretHash)
            WHERE client_id = \(clientID) AND registration_token_id = \(current.id)
            RETURNING client_id
            """)
        return rows.isEmpty ? nil : token
    }
}
