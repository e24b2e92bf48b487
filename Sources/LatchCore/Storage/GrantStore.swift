/// An app a person has allowed, as "Your apps" shows it.
public struct AllowedApp: Sendable, Equatable {
    public let clientID: String
    public let name: String
    public let icon: String?
    /// Whether an admin vouches for the app; an unverified one shows no logo of its own, but a
    /// mark and `host` (README "The client trust model").
    public let verified: Bool
    /// Who the app is as far as latch can tell: the host of a metadata client's `client_id` URL,
    /// else of its callback URL.
    public let host: String
    /// Every scope of the person's active grants to the app, in the order first granted.
    public let scope: [String]
    /// When the person first allowed it (the oldest active grant), seconds since the epoch.
    public let since: Int
    /// When the app last obtained a token for the person (code exchange or refresh).
    public let lastUsedAt: Int?
}

extension AllowedApp {
    /// The logo a page may show: an unverified app never shows its own.
    public var shownIcon: String? { verified ? icon : nil }
}

/// Read views over the `grants` table for the web pages: which grants are still active.
///
/// A grant is *active* while it is not revoked and at least one of its tokens is live (not
/// expired, revoked or rotated away) — the same test `TokenStore.live` applies to one token — and
/// its user, if any, is not disabled. A grant whose tokens have all expired can never produce
/// another one, so it is no longer listed.
public struct GrantStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// `NAME AS (UPDATE grants g ...)`: revokes, with `reason`, every live grant `g` that
    /// `condition` picks (over `from`, when given), and returns `g.id, g.user_id, g.client_id`
    /// of each for the statement's audit rows. Revoking a grant ends every token of it: token
    /// liveness (`TokenLiveness`) reads the grant. The one way latch revokes grants — a user
    /// revoking an app, an admin, a replayed code, a reused refresh token, a client revoking its
    /// refresh token.
    static func revoking(_ name: StaticString = "revoked", from: SQL? = nil, where condition: SQL, reason: String) -> SQL {
        """
        \(raw: name) AS (
            UPDATE grants g SET revoked_at = now(), revoked_reason = \(reason)::text
            \(fragment: from.map { "FROM \(fragment: $0)" } ?? "")
            WHERE \(fragment: condition) AND g.revoked_at IS NULL
            RETURNING g.id, g.user_id, g.client_id
        )
        """
    }

    /// The number of active grants of every app that has any (person and client_credentials
    /// grants alike), by client_id.
    public func activeGrantCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.query("""
            SELECT g.client_id, count(*) AS active
            FROM grants g LEFT JOIN users u ON u.id = g.user_id
            WHERE \(fragment: TokenLiveness.grantAndUser)
              AND EXISTS (SELECT 1 FROM tokens t WHERE t.grant_id = g.id AND \(fragment: TokenLiveness.token))
            GROUP BY g.client_id
            """) {
            counts[try row.string("client_id")] = try row.int("active")
        }
        return counts
    }

    /// The name of `clientID` when `userID` revoked a grant to it within the last ten minutes
    /// (what the "You revoked …" notice may say), else nil: the notice never repeats a link's text.
    public func recentlyRevokedAppName(userID: Int, clientID: String) throws -> String? {
        guard clientID.utf8.count <= 200 else { return nil }
        return try database.query("""
            SELECT c.name FROM grants g JOIN clients c ON c.client_id = g.client_id
            WHERE g.user_id = \(userID) AND g.client_id = \(clientID) AND g.revoked_reason = 'user'
              AND g.revoked_at > now() - interval '10 minutes'
            LIMIT 1
            """).first.map { try $0.string("name") }
    }

    /// The apps `userID` has allowed and not revoked, by name.
    public func allowedApps(userID: Int) throws -> [AllowedApp] {
        try database.query("""
            SELECT c.client_id, c.name, c.icon, c.verified, c.origin, c.callback_url,
                   string_agg(g.scope, ' ' ORDER BY g.created_at) AS scopes,
                   extract(epoch FROM min(g.created_at))::bigint AS since_epoch,
                   extract(epoch FROM max(g.last_used_at))::bigint AS used_epoch
            FROM grants g JOIN clients c ON c.client_id = g.client_id
            WHERE g.user_id = \(userID) AND \(fragment: TokenLiveness.grant)
              AND EXISTS (SELECT 1 FROM tokens t WHERE t.grant_id = g.id AND \(fragment: TokenLiveness.token))
            GROUP BY c.client_id, c.name, c.icon, c.verified, c.origin, c.callback_url
            ORDER BY lower(c.name), c.client_id
            """).map { row in
            var scopes: [String] = []
            for scope in (row.optionalString("scopes") ?? "").split(separator: " ") where !scopes.contains(String(scope)) {
                scopes.append(String(scope))
            }
            let clientID = try row.string("client_id")
            let hostURI = try row.string("origin") == "metadata" && clientID.hasPrefix("https://") ? clientID : try row.string("callback_url")
            return AllowedApp(clientID: clientID, name: try row.string("name"), icon: row.optionalString("icon"),
                              verified: try row.bool("verified"), host: ConsentPage.destinationHost(hostURI),
                              scope: scopes, since: try row.int("since_epoch"), lastUsedAt: row.optionalInt("used_epoch"))
        }
    }
}
