public enum DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The server cannot be reached; requests answer 503 and the worker reconnects later.
    case unavailable(String)
    /// The statement failed; `sqlState` is PostgreSQL's five-character code.
    case statement(sqlState: String, message: String)
    case decoding(String)

    public var sqlState: String? {
        if case .statement(let state, _) = self { return state }
        return nil
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        switch self {
        case .unavailable(let why): return "database unavailable: \(why)"
        case .statement(let state, let message): return "database error \(state): \(message)"
        case .decoding(let why): return "database decoding error: \(why)"
        }
    }
}
