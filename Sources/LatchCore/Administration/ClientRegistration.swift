/// What dynamic client registration does to a client (RFC 7591, RFC 7592: `RegistrationEndpoint`,
/// `ClientConfigurationEndpoint`), the self-service door to the same `clients` table as
/// `AppAdministration`: the client (or an admin who registers with an admin token) is the
/// actor, `via` is `registration`. The metadata rules are `ClientMetadata`'s; these store the
/// checked client with its secret and registration access token, and write the audit row, all
/// in one transaction.
struct ClientRegistration {
    let database: Database
    /// Who acts: the new or registered client itself (`client:ID`), or an admin.
    let actor: AdminActor

    /// Stores a newly registered client, a secret when it is confidential, and its first
    /// registration access token (RFC 7592 §3); both credentials are to be shown once.
    func register(_ registered: Client) throws -> (client: Client, secret: Credential?, token: Credential) {
        try database.withTransaction {
            let clients = ClientStore(database: database)
            let client = try clients.insert(registered)
            let secret = registered.isPublic || registered.tokenEndpointAuthMethod == "private_key_jwt" ? nil
                : try clients.createSecret(for: client.clientID)
            let token = try RegistrationTokenStore(database: database).issue(for: client.clientID)
            try actor.record(.clientRegistered, in: database, clientID: client.clientID, detail: client.auditDetail(via: actor.via))
            return (client, secret, token)
        }
    }

    /// Replaces `current` by `replacement` (RFC 7592 §2.2) when `token` is its live registration
    /// access token, which is rotated: the next one, else nil (nothing changed).
    func replace(_ current: Client, with replacement: Client, token: Credential) throws -> Credential? {
        try database.withTransaction { () throws -> Credential? in
            guard let next = try RegistrationTokenStore(database: database).rotate(clientID: current.clientID, from: token) else { return nil }
            let clients = ClientStore(database: database)
            try clients.update(replacement)
            if replacement.verified != current.verified { try clients.setVerified(current.clientID, replacement.verified) }
            try actor.record(.clientUpdated, in: database, clientID: current.clientID, detail: replacement.auditDetail(via: actor.via))
            return next
        }
    }

    /// Deletes the client (RFC 7592 §2.3): its secrets, codes, grants and tokens stop working at once.
    func delete(_ client: Client) throws {
        try database.withTransaction {
            try ClientStore(database: database).delete(client.clientID)
            try actor.record(.clientDeleted, in: database, clientID: client.clientID,
                             detail: ["via": .string(actor.via), "name": .string(client.name)])
        }
    }
}

extension ClientRegistration {
    /// The operations for a registration request of `actor` (an admin's, or `client:ID` for the
    /// client itself).
    init(database: Database, actor: String, request: Request) {
        self.init(database: database, actor: AdminActor(source: AuditSource(actor: actor, request: request), via: "registration"))
    }
}
