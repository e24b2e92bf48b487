/// What a token-issuing statement read about its client (`ClientStore.useColumns`): whether it
/// is verified, and which last-use marks are due. A statement of a `verifiedOnly` proof
/// (`ClientProof.onlyIfVerified`) does not write the marks itself — two writes that a busy
/// client needs once a minute (the secret's `last_used_at`) and once a day (the client's
/// `last_token_at`, for the purge of idle clients) would otherwise cost every request their
/// place in the plan — so its caller writes them here, in the rare request that finds them due
/// (`VerifiedClients.issued`).
public struct ClientUse: Sendable, Equatable {
    public let verified: Bool
    /// The client's `last_token_at` is missing or a day old.
    public let seenStale: Bool
    /// The presented secret's `last_used_at` is missing or a minute old.
    public let secretStale: Bool

    static func read(_ row: Row) throws -> ClientUse {
        ClientUse(verified: try row.bool("client_verified"), seenStale: try row.bool("seen_stale"),
                  secretStale: try row.bool("secret_stale"))
    }
}

extension ClientStore {
    /// Writes the marks `use` says are due for `clientID` (and `secret`, the secret it presented),
    /// in one statement; each UPDATE matches nothing when another worker wrote the mark first.
    public func recordUse(_ use: ClientUse, of clientID: String, secret: Credential?) throws {
        let secretDue = use.secretStale && secret != nil
        try database.query("""
            WITH secret_used AS (
                UPDATE client_secrets SET last_used_at = now()
                WHERE \(secretDue)::boolean AND id = \(secret?.id)::text AND \(raw: ClientStore.staleUse)
            )
            UPDATE clients SET last_token_at = now()
            WHERE \(use.seenStale)::boolean AND client_id = \(clientID) AND \(raw: ClientStore.staleMark)
            """)
    }
}
