/// What an admin does to apps, whichever door they come through: the management API (JSON,
/// `AppsEndpoint`) and the admin console (HTML forms, `AdminConsole`) both call these, so that
/// the rules, the storage and the audit points exist once. Errors are `OAuthError`s each door
/// renders its own way: unknown ids `404 not_found`, bad fields those of `AppInput`.
struct AppAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let administrator: Administrator
    let sourceAddress: String
    let via: String

    private func audit(_ event: AuditEvent, clientID: String, detail: JSON) throws {
        try AuditLog(database: database).record(
            event, by: AuditSource(actor: administrator.actor, address: sourceAddress.isEmpty ? nil : sourceAddress),
            clientID: clientID, detail: detail)
    }

    func list() throws -> [Client] { try ClientStore(database: database).list() }

    /// The app with this client_id, else 404.
    func app(_ clientID: String) throws -> Client {
        guard let client = try ClientStore(database: database).find(clientID) else { throw OAuthError.notFound("no app with this id") }
        return client
    }

    func definedScopes() throws -> [String] { try ScopeStore(database: database).names() }

    func create(_ input: AppInput, type: AppType = .confidential) throws -> Client {
        let client = try ClientStore(database: database).insert(input.newClient(type: type))
        try audit(.clientRegistered, clientID: client.clientID, detail: client.auditDetail(via: via))
        return client
    }

    /// Replaces name, redirect URIs, icon and scope of `client`.
    func update(_ client: Client, with input: AppInput) throws -> Client {
        let updated = input.applied(to: client)
        guard try ClientStore(database: database).update(updated) else { throw OAuthError.notFound("no app with this id") }
        try audit(.clientUpdated, clientID: updated.clientID, detail: updated.auditDetail(via: via))
        return updated
    }

    /// Deletes the app; its secrets, codes, grants and tokens stop working at once.
    func delete(_ clientID: String) throws {
        guard try ClientStore(database: database).delete(clientID) else { throw OAuthError.notFound("no app with this id") }
        try audit(.clientDeleted, clientID: clientID, detail: ["via": .string(via)])
    }

    func secrets(of client: Client) throws -> [ClientSecretInfo] {
        try ClientStore(database: database).secrets(of: client.clientID)
    }

    /// A new secret for a confidential app; its `value` is to be shown once.
    func createSecret(for client: Client) throws -> Credential {
        guard !client.isPublic else { throw OAuthError.invalidRequest("this app is a public client: it has no secrets") }
        let secret = try ClientStore(database: database).createSecret(for: client.clientID)
        try audit(.secretCreated, clientID: client.clientID, detail: ["secret_id": .string(secret.id), "via": .string(via)])
        return secret
    }

    /// The secret stops working at once.
    func deleteSecret(_ secretID: String, of client: Client) throws {
        guard try ClientStore(database: database).deleteSecret(secretID, of: client.clientID) else {
            throw OAuthError.notFound("no secret with this id for this app")
        }
        try audit(.secretRevoked, clientID: client.clientID, detail: ["secret_id": .string(secretID), "via": .string(via)])
    }
}

extension Administrator {
    /// A signed-in admin acting through the console.
    init(_ signedIn: SignedIn) { self.init(proof: .session(userID: signedIn.user.id, username: signedIn.user.username)) }
}
