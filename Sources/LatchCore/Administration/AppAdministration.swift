/// What an admin does to apps, whichever door they come through: the management API (JSON,
/// `AppsEndpoint`), the admin console (HTML forms, `AdminConsole`) and `latchctl` all call
/// these, so that the rules (`AppInput`), the storage and the audit rows exist once. Each act
/// and its audit row commit together. Errors are `OAuthError`s each door renders its own way:
/// unknown ids `404 not_found`, bad fields those of `AppInput`. An app's client secrets:
/// `AppAdministration+Secrets.swift`.
public struct AppAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    public func list() throws -> [Client] { try ClientStore(database: database).list() }

    /// The app with this client_id, else 404.
    public func app(_ clientID: String) throws -> Client {
        guard let client = try ClientStore(database: database).find(clientID) else { throw OAuthError.notFound("no app with this id") }
        return client
    }

    /// The scopes an app may be limited to (`AppInput`'s `definedScopes`).
    public func definedScopes() throws -> [String] { try ScopeStore(database: database).names() }

    /// A new admin app of `input`'s fields: confidential unless `type` says otherwise; `grantTypes`,
    /// when given (the management API's checked list), are its grants exactly.
    public func create(_ input: AppInput, type: AppType = .confidential, grantTypes: [String]? = nil) throws -> Client {
        try database.withTransaction {
            let client = try ClientStore(database: database).insert(input.newClient(type: type, grantTypes: grantTypes))
            try actor.record(.clientRegistered, in: database, clientID: client.clientID, detail: client.auditDetail(via: actor.via))
            return client
        }
    }

    /// `latchctl app create`: the same fields and rules as the console's form and the API's
    /// body (`AppInput.checked`: name, redirect URIs and icon capped and checked, scopes defined),
    /// then `create`.
    public func create(name: String, redirectURIs: [String], icon: String?, scope: String?, isPublic: Bool,
                       clientCredentials: Bool) throws -> Client {
        let input = try AppInput.checked(name: name, callbackURL: redirectURIs.first, moreRedirectURIs: Array(redirectURIs.dropFirst()),
                                         icon: icon, scope: scope, definedScopes: try definedScopes())
        guard !(isPublic && clientCredentials) else {
            throw OAuthError(.invalidClientMetadata, "a public client cannot use client_credentials")
        }
        return try create(input, type: isPublic ? .public : clientCredentials ? .confidentialWithClientCredentials : .confidential)
    }

    /// Replaces name, redirect URIs, icon and scope of `client`.
    public func update(_ client: Client, with input: AppInput) throws -> Client {
        let updated = input.applied(to: client)
        return try database.withTransaction {
            guard try ClientStore(database: database).update(updated) else { throw OAuthError.notFound("no app with this id") }
            try actor.record(.clientUpdated, in: database, clientID: updated.clientID, detail: updated.auditDetail(via: actor.via))
            return updated
        }
    }

    /// Verifies a dynamic or metadata client, or takes that back (README "The client trust model"); nothing else about the app changes. An app an admin made is always verified:
    /// un-verifying one is `invalid_request`. Audit: `client.verified` or `client.unverified`
    /// (also when it already was: the admin's act is recorded).
    @discardableResult
    public func setVerified(_ clientID: String, _ verified: Bool) throws -> Client {
        var client = try app(clientID)
        if client.origin == .admin && !verified {
            throw OAuthError.invalidRequest("an app made by an admin is always verified; delete it instead")
        }
        return try database.withTransaction {
            guard try ClientStore(database: database).setVerified(client.clientID, verified) else {
                throw OAuthError.notFound("no app with this id")
            }
            client.verified = verified
            try actor.record(verified ? .clientVerified : .clientUnverified, in: database, clientID: client.clientID,
                             detail: ["via": .string(actor.via), "origin": .string(client.origin.rawValue)])
            return client
        }
    }

    /// Deletes the app; its secrets, codes, grants and tokens stop working at once.
    public func delete(_ clientID: String) throws {
        try database.withTransaction {
            guard try ClientStore(database: database).delete(clientID) else { throw OAuthError.notFound("no app with this id") }
            try actor.record(.clientDeleted, in: database, clientID: clientID, detail: ["via": .string(actor.via)])
        }
    }
}
