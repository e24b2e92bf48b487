/// What an admin does to apps, whichever door they come through: the management API (JSON,
/// `AppsEndpoint`), the admin console (HTML forms, `AdminConsole`) and `latchctl` all call
/// these, so that the rules, the storage and the audit points exist once. Errors are
/// `OAuthError`s each door renders its own way: unknown ids `404 not_found`, bad fields those
/// of `AppInput`.
public struct AppAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let administrator: Administrator
    let sourceAddress: String
    let via: String

    init(database: Database, administrator: Administrator, sourceAddress: String, via: String) {
        self.database = database
        self.administrator = administrator
        self.sourceAddress = sourceAddress
        self.via = via
    }

    /// The door of `latchctl`.
    public static func commandLine(_ database: Database) -> AppAdministration {
        AppAdministration(database: database, administrator: .commandLine, sourceAddress: "", via: "latchctl")
    }

    private func audit(_ event: AuditEvent, clientID: String, detail: JSON) throws {
        try AuditLog(database: database).record(
            event, by: AuditSource(actor: administrator.actor, address: sourceAddress.isEmpty ? nil : sourceAddress),
            clientID: clientID, detail: detail)
    }

    public func list() throws -> [Client] { try ClientStore(database: database).list() }

    /// The app with this client_id, else 404.
    public func app(_ clientID: String) throws -> Client {
        guard let client = try ClientStore(database: database).find(clientID) else { throw OAuthError.notFound("no app with this id") }
        return client
    }

    func definedScopes() throws -> [String] { try ScopeStore(database: database).names() }

    func create(_ input: AppInput, type: AppType = .confidential, grantTypes: [String]? = nil) throws -> Client {
        let client = try ClientStore(database: database).insert(input.newClient(type: type, grantTypes: grantTypes))
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

    /// `latchctl app create`: the same fields and rules as the console's form and the API's
    /// body (`AppInput.checked`), then `create`.
    public func create(name: String, redirectURIs: [String], icon: String?, scope: String?, isPublic: Bool,
                       clientCredentials: Bool) throws -> Client {
        let input = try AppInput.checked(name: name, callbackURL: redirectURIs.first, moreRedirectURIs: Array(redirectURIs.dropFirst()),
                                         icon: icon, scope: scope, definedScopes: try definedScopes())
        guard !(isPublic && clientCredentials) else {
            throw OAuthError(.invalidClientMetadata, "a public client cannot use client_credentials")
        }
        return try create(input, type: isPublic ? .public : clientCredentials ? .confidentialWithClientCredentials : .confidential)
    }

    /// Verifies a dynamic or metadata client, or takes that back (CONTRACT "Clients and
    /// trust"); nothing else about the app changes. An app an admin made is always verified:
    /// un-verifying one is `invalid_request`. Audit: `client.verified` or `client.unverified`
    /// (also when it already was: the admin's act is recorded).
    @discardableResult
    public func setVerified(_ clientID: String, _ verified: Bool) throws -> Client {
        var client = try app(clientID)
        if client.origin == .admin && !verified {
            throw OAuthError.invalidRequest("an app made by an admin is always verified; delete it instead")
        }
        guard try ClientStore(database: database).setVerified(client.clientID, verified) else {
            throw OAuthError.notFound("no app with this id")
        }
        client.verified = verified
        try audit(verified ? .clientVerified : .clientUnverified, clientID: client.clientID,
                  detail: ["via": .string(via), "origin": .string(client.origin.rawValue)])
        return client
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
