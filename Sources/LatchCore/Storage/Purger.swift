/// Deletes what can never be used again — expired authorization codes, tokens and sessions,
/// and rate-limit windows older than five minutes — in bounded batches (`latchctl purge`).
///
/// Each batch is one statement, so its own transaction: it picks at most `batchSize` rows by
/// `ctid` through the table's expiry index and deletes exactly those (a TID scan), so a table of
/// tens of millions of rows is cleaned without long locks or one huge transaction, and normal
/// traffic carries on in between. A table is done when a batch deletes fewer rows than asked.
public struct Purger {
    public enum Target: String, CaseIterable, Sendable {
        case authorizationCodes = "authorization_codes"
        case tokens
        case sessions
        case rateLimits = "rate_limits"
    }

    public struct Result: Sendable, Equatable {
        public let target: Target
        public let deleted: Int
        public let batches: Int
    }

    let database: Database

    public init(database: Database) { self.database = database }

    /// Purges every target in turn; `progress` hears about each batch.
    public func purge(batchSize: Int, progress: (Target, Int) -> Void = { _, _ in }) throws -> [Result] {
        precondition(batchSize > 0)
        return try Target.allCases.map { target in
            var deleted = 0
            var batches = 0
            while true {
                let count = try deleteBatch(target, limit: batchSize)
                batches += 1
                deleted += count
                progress(target, count)
                if count < batchSize { break }
            }
            return Result(target: target, deleted: deleted, batches: batches)
        }
    }

    /// Deletes one batch; returns how many rows went.
    func deleteBatch(_ target: Target, limit: Int) throws -> Int {
        let sql: SQL
        switch target {
        case .authorizationCodes:
            sql = """
                WITH gone AS (
                    DELETE FROM authorization_codes
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM authorization_codes WHERE expires_at < now() LIMIT \(limit)))
                      AND expires_at < now()
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """
        case .tokens:
            sql = """
                WITH gone AS (
                    DELETE FROM tokens
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM tokens WHERE expires_at < now() LIMIT \(limit)))
                      AND expires_at < now()
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """
        case .sessions:
            sql = """
                WITH gone AS (
                    DELETE FROM sessions
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM sessions WHERE expires_at < now() LIMIT \(limit)))
                      AND expires_at < now()
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """
        case .rateLimits:
            sql = """
                WITH gone AS (
                    DELETE FROM rate_limits
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM rate_limits WHERE window_start < now() - interval '5 minutes' LIMIT \(limit)))
                      AND window_start < now() - interval '5 minutes'
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """
        }
        return try database.query(sql)[0].int("n")
    }
}
