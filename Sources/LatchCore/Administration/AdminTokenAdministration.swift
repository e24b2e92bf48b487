/// What an admin does to the management API's bearer tokens (`latchctl admin-token`): one
/// rule for names, one store, the audit rows (`admin.token_created`, `admin.token_revoked`)
/// committed with the act.
public struct AdminTokenAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    /// A token's name: what it is for, 1–200 characters.
    public static let nameLengths = 1...200

    public func list() throws -> [AdminToken] { try AdminTokenStore(database: database).list() }

    /// Mints a token named `name` (else `invalid_request`); the credential's `value` is to be
    /// shown once, latch keeps a hash.
    public func create(name: String) throws -> (token: Credential, info: AdminToken) {
        guard AdminTokenAdministration.nameLengths.contains(name.count) else {
            throw OAuthError.invalidRequest("the name must be 1-200 characters")
        }
        return try database.withTransaction {
            let created = try AdminTokenStore(database: database).create(name: name)
            try actor.record(.adminTokenCreated, in: database,
                             detail: ["admin_token_id": .string(created.info.id), "name": .string(created.info.name)])
            return created
        }
    }

    /// Revokes the token with lookup id `id` (or its `lad_<id>…` form); it stops working at
    /// once. An unknown one is `404`.
    public func revoke(_ id: String) throws {
        try database.withTransaction {
            guard try AdminTokenStore(database: database).revoke(id) else { throw OAuthError.notFound("no admin token with this id") }
            try actor.record(.adminTokenRevoked, in: database, detail: ["admin_token_id": .string(id)])
        }
    }
}
