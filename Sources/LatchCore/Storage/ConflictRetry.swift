extension Database {
    /// Runs `body` again when PostgreSQL aborted it as a deadlock victim or serialization
    /// failure (SQLSTATE 40P01 / 40001), at most `attempts` times in all.
    ///
    /// `body` must be safe to repeat: one autocommitted statement, or a whole
    /// `withTransaction` (a conflict rolls all of it back). What is left after the last
    /// attempt is reported as 503 `temporarily_unavailable`, never as a 500: the request was
    /// fine, the database asked it to try again.
    func retryingConflicts<T>(attempts: Int = 4, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where error.isSerializationFailure {
                guard attempt < attempts else { throw OAuthError.temporarilyUnavailable }
                attempt += 1
            }
        }
    }
}
