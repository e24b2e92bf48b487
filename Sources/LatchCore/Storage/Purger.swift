/// Deletes what can never be used again (`latchctl purge`, README "Clients and admins"; README "Cleanup on a schedule"):
/// expired authorization codes, tokens and sessions; grants past their end
/// (`LATCH_GRANT_MAX_LIFETIME`, or their only access token's expiry), revoked grants, and grants
/// left with no token at all; unverified dynamic and metadata clients that obtained no token
/// for `LATCH_DYNAMIC_CLIENT_IDLE_DAYS`; rate-limit windows older than five minutes; and sign-in
/// throttle rows untouched for 30 days whose waits are over; JWK Sets cached from clients'
/// `jwks_uri`s past their expiry (never used again: the next assertion fetches the set anew) —
/// all in bounded batches.
///
/// Each batch is one statement, so its own transaction: it picks at most `batchSize` rows by
/// `ctid` through an index on what makes them dead (expiry, revocation, idleness) and deletes
/// exactly those (a TID scan), so a table of tens of millions of rows is cleaned without long
/// locks or one huge transaction, and normal traffic carries on in between; a batch's cost
/// does not grow with the table. A table is done when a batch deletes fewer rows than asked.
///
/// A grant whose tokens have all expired is found without scanning grants: the batch that
/// deletes expired tokens also deletes their grants when no other token of them is left (a
/// grant has no redeemable code: it is made when its code is redeemed).
public struct Purger {
    public enum Target: String, CaseIterable, Sendable {
        case authorizationCodes = "authorization_codes"
        case tokens
        case grants
        case sessions
        case rateLimits = "rate_limits"
        /// Idle unverified dynamic and metadata clients (with everything of theirs).
        case clients
        /// Sign-in throttle rows (migration 005) untouched for 30 days, with no wait running.
        case signInThrottle = "signin_throttle"
        /// JWK Sets cached from `private_key_jwt` clients' `jwks_uri`s (migration 023), expired.
        case clientKeySets = "client_key_sets"
    }

    public struct Result: Sendable, Equatable {
        public let target: Target
        public let deleted: Int
        public let batches: Int
    }

    let database: Database
    /// Days without a token after which an unverified dynamic or metadata client is deleted.
    let dynamicClientIdleDays: Int

    public init(database: Database, dynamicClientIdleDays: Int = 30) {
        precondition(dynamicClientIdleDays > 0)
        self.database = database
        self.dynamicClientIdleDays = dynamicClientIdleDays
    }

    /// Purges every target in turn; `progress` hears about each batch. The grants deleted
    /// with the tokens batches count under `grants`.
    public func purge(batchSize: Int, progress: (Target, Int) -> Void = { _, _ in }) throws -> [Result] {
        precondition(batchSize > 0)
        var grantsWithTokens = 0
        return try Target.allCases.map { target in
            var deleted = target == .grants ? grantsWithTokens : 0
            var batches = 0
            while true {
                // A batch that loses a deadlock to live traffic (a rotation, a revocation) is
                // simply run again: it is one statement.
                let batch = try database.retryingConflicts { try deleteBatch(target, limit: batchSize) }
                batches += 1
                deleted += batch.rows
                grantsWithTokens += batch.grants
                progress(target, batch.rows)
                if batch.rows < batchSize { break }
            }
            return Result(target: target, deleted: deleted, batches: batches)
        }
    }

    /// Deletes one batch: how many rows of the target went, and how many grants went with
    /// them (tokens only).
    func deleteBatch(_ target: Target, limit: Int) throws -> (rows: Int, grants: Int) {
        let sql: SQL
        switch target {
        case .authorizationCodes:
            sql = Purger.batch("authorization_codes", dead: "expires_at < now()", limit: limit)
        case .tokens:
            // The statement's snapshot still sees the tokens it deletes: a grant goes when
            // every token it has left is one of them.
            let row = try database.query("""
                WITH gone AS (
                    DELETE FROM tokens
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM tokens WHERE expires_at < now() LIMIT \(limit)))
                      AND expires_at < now()
                    RETURNING id, grant_id
                ), emptied AS (
                    DELETE FROM grants g
                    WHERE g.id IN (SELECT grant_id FROM gone)
                      AND NOT EXISTS (SELECT 1 FROM tokens t
                                      WHERE t.grant_id = g.id AND t.id NOT IN (SELECT id FROM gone))
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM gone) AS n, (SELECT count(*) FROM emptied) AS grants
                """)[0]
            return (try row.int("n"), try row.int("grants"))
        case .grants:
            sql = """
                WITH gone AS (
                    DELETE FROM grants
                    WHERE ctid = ANY (ARRAY(
                            SELECT ctid FROM (
                                (SELECT ctid FROM grants WHERE expires_at < now() LIMIT \(limit))
                                UNION ALL
                                (SELECT ctid FROM grants WHERE revoked_at IS NOT NULL LIMIT \(limit))
                            ) AS dead LIMIT \(limit)))
                      AND (expires_at < now() OR revoked_at IS NOT NULL)
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """
        case .clients:
            sql = Purger.batch("clients", dead: """
                origin <> 'admin' AND NOT verified
                AND coalesce(last_token_at, created_at) < now() - make_interval(days => \(dynamicClientIdleDays)::int)
                """, limit: limit)
        case .sessions:
            sql = Purger.batch("sessions", dead: "expires_at < now()", limit: limit)
        case .rateLimits:
            sql = Purger.batch("rate_limits", dead: "window_start < now() - interval '5 minutes'", limit: limit)
        case .signInThrottle:
            // 30 days without a failure or a success: the account's count starts again (its
            // longest wait is 24 hours) and its owner's address is learnt at the next sign-in.
            sql = Purger.batch("signin_throttle", dead: "updated_at < now() - interval '30 days' AND wait_until < now() AND owner_wait_until < now()",
                               limit: limit)
        case .clientKeySets:
            sql = Purger.batch("client_key_sets", dead: "expires_at < now()", limit: limit)
        }
        return (try database.query(sql)[0].int("n"), 0)
    }

    /// One batch of `table`: at most `limit` rows for which `dead` holds, picked by `ctid`
    /// through the index on what makes them dead and deleted by TID (`dead` is checked again on
    /// the rows deleted); counts them as `n`.
    static func batch(_ table: StaticString, dead: SQL, limit: Int) -> SQL {
        """
        WITH gone AS (
            DELETE FROM \(raw: table)
            WHERE ctid = ANY (ARRAY(SELECT ctid FROM \(raw: table) WHERE \(fragment: dead) LIMIT \(limit)))
              AND \(fragment: dead)
            RETURNING 1)
        SELECT count(*) AS n FROM gone
        """
    }
}
