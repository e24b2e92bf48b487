extension Database {
    /// Runs `body` again when PostgreSQL aborted it as a deadlock victim or serialization
    /// failure (SQLSTATE 40P01 / 40001), at most `attempts` times in all.
    ///
    /// `body` must be safe to repeat: one autocommitted statement, or a whole
    /// `withTransaction` (a conflict rolls all of it back). What is left after the last
    /// attempt is `ConflictsPersisted`, which carries the last failure for the log.
    func retryingConflicts<T>(attempts: Int = 4, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where error.isSerializationFailure {
                guard attempt < attempts else { throw ConflictsPersisted(attempts: attempts, lastFailure: error) }
                attempt += 1
            }
        }
    }
}

/// PostgreSQL kept aborting a change as a deadlock victim or serialization failure, however
/// often it was tried: the request was fine, and may be tried again shortly. (Its answer is
/// `503 temporarily_unavailable`, never a 500: `ConflictsPersisted+Response.swift`.)
public struct ConflictsPersisted: Error, Sendable, CustomStringConvertible {
    public let attempts: Int
    /// The last failure, with its SQLSTATE.
    public let lastFailure: DatabaseError

    public var description: String { "still conflicting after \(attempts) attempts: \(lastFailure)" }
}
