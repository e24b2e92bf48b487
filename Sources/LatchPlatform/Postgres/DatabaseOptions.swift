/// How a worker talks to PostgreSQL, besides where it is (README "Running latch for real").
public struct DatabaseOptions: Sendable, Equatable {
    /// How statements reach the server.
    public enum Pooling: String, Sendable {
        /// Direct to PostgreSQL (or a session-mode pooler): each statement is prepared once per
        /// connection under a name no other worker uses (a random part per process), then
        /// executed by name.
        case session
        /// Behind a transaction-mode pooler (PgBouncer `pool_mode = transaction`): the server
        /// connection may change between transactions, so every statement is sent unnamed
        /// (parse, bind and execute in one message) and nothing outlives the transaction.
        case transaction
    }

    /// The bound on every wait for the database, milliseconds: past it the statement is
    /// cancelled, the connection dropped and the request answers 503.
    public var timeoutMilliseconds: Int
    public var pooling: Pooling
    /// `fallback_application_name` (the executable's name): which executable a server
    /// connection belongs to, in `pg_stat_activity`, unless the connection string names one.
    public var applicationName: String?

    public init(timeoutMilliseconds: Int = 2000, pooling: Pooling = .session, applicationName: String? = nil) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.pooling = pooling
        self.applicationName = applicationName
    }

    /// libpq connection keywords latch sets unless the connection string sets them itself:
    /// TCP keepalives (a vanished host is noticed on an idle connection), `tcp_user_timeout`
    /// (data the peer never acknowledges fails the connection instead of being retransmitted
    /// for ~15 minutes) and `connect_timeout` (per host: a frozen first host of a multi-host
    /// URL is given up for the next one). libpq ignores the TCP ones on unix sockets.
    public var connectionDefaults: [(keyword: String, value: String)] {
        let seconds = max(2, (timeoutMilliseconds + 999) / 1000)
        return [
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "2"),
            ("keepalives_count", "3"),
            ("tcp_user_timeout", String(max(1000, timeoutMilliseconds))),
            ("connect_timeout", String(seconds)),
        ] + (applicationName.map { [("fallback_application_name", $0)] } ?? [])
    }

    /// The statement errors that mean the server connection does not hold the prepared
    /// statements this worker remembers (26000: does not exist; 42P05: already exists), as
    /// when a pooler hands out another server connection.
    public static func isPreparedStatementMismatch(_ sqlState: String) -> Bool {
        sqlState == "26000" || sqlState == "42P05"
    }
}
