/// An app's client secrets, for every door (management API, console, `latchctl`): listed by
/// prefix, created (the value is shown once and never stored), deleted (it stops working at
/// once). Each act and its audit row (`secret.created`, `secret.revoked`) commit together.
extension AppAdministration {
    public func secrets(of client: Client) throws -> [ClientSecretInfo] {
        try ClientStore(database: database).secrets(of: client.clientID)
    }

    /// A new secret for a confidential app; its `value` is to be shown once. A public client
    /// has none: `invalid_request`.
    public func createSecret(for client: Client) throws -> Credential {
        guard !client.isPublic else { throw OAuthError.invalidRequest("this app is a public client: it has no secrets") }
        return try database.withTransaction {
            let secret = try ClientStore(database: database).createSecret(for: client.clientID)
            try actor.record(.secretCreated, in: database, clientID: client.clientID,
                             detail: .object([("secret_id", .string(secret.id))] + actor.viaUnlessCommandLine))
            return secret
        }
    }

    /// The secret stops working at once; an unknown one is `404`.
    public func deleteSecret(_ secretID: String, of client: Client) throws {
        try database.withTransaction {
            guard try ClientStore(database: database).deleteSecret(secretID, of: client.clientID) else {
                throw OAuthError.notFound("no secret with this id for this app")
            }
            try actor.record(.secretRevoked, in: database, clientID: client.clientID,
                             detail: .object([("secret_id", .string(secretID))] + actor.viaUnlessCommandLine))
        }
    }
}
