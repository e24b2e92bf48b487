/// A live access or refresh token as an admin listing shows it (never the token itself).
public struct TokenListing: Sendable, Equatable {
    public let id: String
    public let kind: TokenInfo.Kind
    public let grantID: String
    public let clientID: String
    public let appName: String
    public let username: String?
    public let scope: String
    public let createdAt: Int
    public let expiresAt: Int

    /// `lat_<id>_…` / `lrt_<id>_…`: recognisable, never usable.
    public var truncated: String {
        (kind == .access ? Credential.Kind.accessToken : Credential.Kind.refreshToken).rawValue + id + "_…"
    }
}

/// What `revoke` did.
public struct RevocationCounts: Sendable, Equatable {
    public let grants: Int
    public let tokens: Int
    public let codes: Int
}

/// Admin views over grants and tokens (`latchctl tokens list|revoke`).
public struct TokenAdministration {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Live tokens (not expired, revoked or rotated away; grant not revoked; user enabled),
    /// newest first, optionally of one app and/or one user.
    public func live(clientID: String?, username: String?, limit: Int) throws -> [TokenListing] {
        try database.query("""
            SELECT t.id, t.kind, t.grant_id, t.client_id, c.name AS app_name, u.username, t.scope,
                   extract(epoch FROM t.created_at)::bigint AS created_epoch, extract(epoch FROM t.expires_at)::bigint AS expires_epoch
            FROM tokens t
            JOIN grants g ON g.id = t.grant_id
            JOIN clients c ON c.client_id = t.client_id
            LEFT JOIN users u ON u.id = t.user_id
            WHERE \(fragment: TokenLiveness.all)
              AND (\(clientID)::text IS NULL OR g.client_id = \(clientID))
              AND (\(username)::text IS NULL OR u.username = \(username))
            ORDER BY t.created_at DESC, t.id
            LIMIT \(limit)
            """).map {
            TokenListing(id: try $0.string("id"), kind: TokenInfo.Kind(rawValue: try $0.string("kind")) ?? .access,
                         grantID: try $0.string("grant_id"), clientID: try $0.string("client_id"), appName: try $0.string("app_name"),
                         username: $0.optionalString("username"), scope: try $0.string("scope"),
                         createdAt: try $0.int("created_epoch"), expiresAt: try $0.int("expires_epoch"))
        }
    }

    /// Revokes every grant (and so every token) matching the filters — of one app, of one user,
    /// of both, or one grant — and removes the matching codes not yet redeemed, so that none
    /// can start a new grant. One transaction; with `audit`, the act is recorded in it
    /// (`admin.tokens_revoked`, with the filters and the counts).
    public func revoke(clientID: String?, userID: Int?, grantID: String?, reason: String = "admin",
                       audit: AuditSource? = nil) throws -> RevocationCounts {
        precondition(clientID != nil || userID != nil || grantID != nil, "revoke needs a filter")
        return try database.withTransaction {
            let row = try database.query("""
                WITH \(fragment: GrantStore.revoking("revoked_grants", where: """
                    (\(clientID)::text IS NULL OR g.client_id = \(clientID))
                      AND (\(userID)::bigint IS NULL OR g.user_id = \(userID))
                      AND (\(grantID)::text IS NULL OR g.id = \(grantID))
                    """, reason: reason)), revoked_tokens AS (
                    UPDATE tokens SET revoked_at = now()
                    WHERE revoked_at IS NULL AND grant_id IN (SELECT id FROM revoked_grants)
                    RETURNING id
                ), removed_codes AS (
                    DELETE FROM authorization_codes
                    WHERE redeemed_at IS NULL
                      AND (\(clientID)::text IS NULL OR client_id = \(clientID))
                      AND (\(userID)::bigint IS NULL OR user_id = \(userID))
                      AND \(grantID)::text IS NULL
                    RETURNING id
                )
                SELECT (SELECT count(*) FROM revoked_grants) AS grants, (SELECT count(*) FROM revoked_tokens) AS tokens,
                       (SELECT count(*) FROM removed_codes) AS codes
                """)[0]
            let counts = RevocationCounts(grants: try row.int("grants"), tokens: try row.int("tokens"), codes: try row.int("codes"))
            if let audit {
                var detail: [(String, JSON)] = [("reason", .string(reason))]
                if let grantID { detail.append(("grant_id", .string(grantID))) }
                detail += [("grant_count", .integer(counts.grants)), ("token_count", .integer(counts.tokens)),
                           ("code_count", .integer(counts.codes))]
                try AuditLog(database: database).record(.adminTokensRevoked, by: audit, userID: userID, clientID: clientID,
                                                        detail: .object(detail))
            }
            return counts
        }
    }

    /// Whether a grant with this id exists (revoked or not).
    public func grantExists(_ grantID: String) throws -> Bool {
        try !database.query("SELECT 1 AS present FROM grants WHERE id = \(grantID)").isEmpty
    }
}
