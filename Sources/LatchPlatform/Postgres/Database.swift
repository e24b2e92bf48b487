import CPostgres
import Glibc

/// One libpq connection, owned by one worker process (created after `fork`).
///
/// Statements are prepared once per connection, on first use. When the server goes away
/// every call throws `DatabaseError.unavailable` (the request answers 503) and the next
/// call tries to connect again, so service resumes by itself.
///
/// A connection the server closed while it sat idle (PostgreSQL restarted) is noticed before
/// anything is sent on it and replaced, so the first request after a restart succeeds. A
/// statement is never sent twice: once sent, a broken connection may already have committed
/// it, and resending a statement that spends a one-time value would look like a replay.
/// A connection used in the last 100 ms is not checked (one syscall less per request under
/// load): a backend ended that recently means PostgreSQL is going down or an operator ended
/// it just now, and that one request answers 503 like any request while it is down.
///
/// Every wait is bounded (`DatabaseOptions.timeoutMilliseconds`, README "Running latch for
/// real"): statements are sent with libpq's asynchronous calls and their answer awaited with
/// `poll` on the connection's socket; past the deadline the statement is cancelled (PostgreSQL's
/// cancel request, sent from a background thread so that a frozen server cannot hold the
/// worker), the connection dropped and `DatabaseError.unavailable` thrown. Connecting is bounded
/// by `connect_timeout` per host, among the connection defaults latch adds
/// (`DatabaseOptions.connectionDefaults`).
public final class Database {
    public let connectionString: String
    public let options: DatabaseOptions
    private var connection: OpaquePointer?
    private var preparedNames: [String: String] = [:]
    /// Prepared-statement names carry `namePrefix` and this generation, bumped whenever the
    /// remembered names are dropped: a name never collides with another worker's on a shared
    /// server connection, nor with one this worker prepared before.
    private var nameGeneration = 0
    /// Random, per process: names of workers on other hosts sharing a pooled server
    /// connection cannot be the same either.
    private let namePrefix = "l" + SecureRandom.hex(6)
    private var transactionDepth = 0
    public private(set) var reconnects = 0
    /// When the last statement's answer arrived (monotonic).
    private var lastAnswerNanoseconds: UInt64 = 0
    static let idleCheckAfterNanoseconds: UInt64 = 100_000_000
    /// Statements sent (round trips; preparing a statement, once per connection, not counted).
    public private(set) var statementsSent = 0
    /// Set by the connection's notice receiver: the server sent a notice (a warning) since the
    /// flag was last cleared. After a cancel, a commit that returns with a warning was cancelled
    /// while it waited for the synchronous standby: committed here, not confirmed there.
    var noticeArrived = false
    /// libpq's own notice receiver (it prints the notice to stderr, as before), called after
    /// the flag is set.
    var previousNoticeReceiver: PQnoticeReceiver?
    var previousNoticeArgument: UnsafeMutableRawPointer?
    /// Whether the last statement was given up at the bound (no answer in time) or could not
    /// even connect: then even BEGIN is not sent again (another try would wait as long again).
    var lastWaitTimedOut = false

    public init(connectionString: String, options: DatabaseOptions = DatabaseOptions()) {
        self.connectionString = connectionString
        self.options = options
    }

    deinit { if let connection { PQfinish(connection) } }

    /// Runs one statement and returns its rows. Its wait is bounded by the connection's bound
    /// (`DatabaseOptions.timeoutMilliseconds`), or by `waitingUpTo` milliseconds for the rare
    /// statement that waits on purpose and bounds that wait itself (a lock taken with its own
    /// `lock_timeout`).
    @discardableResult
    public func query(_ sql: SQL, waitingUpTo bound: Int? = nil) throws(DatabaseError) -> [Row] {
        if transactionDepth == 0, Clock.monotonicNanoseconds() &- lastAnswerNanoseconds > Database.idleCheckAfterNanoseconds {
            discardIfClosedByServer()
        }
        return try run(sql, bound: bound ?? options.timeoutMilliseconds)
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    /// Called inside another transaction, `body` joins it (no second BEGIN, and no COMMIT that
    /// would end the outer transaction early): the outer one commits or rolls back all of it.
    public func withTransaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try body() }
        do {
            try query("BEGIN")
        } catch .unavailable(let why) {
            // BEGIN changes nothing, so it alone is safe to resend: on a fresh connection, once —
            // unless the server did not answer in time (another try would wait as long again).
            guard !lastWaitTimedOut else { throw DatabaseError.unavailable(why) }
            reset()
            try query("BEGIN")
        }
        transactionDepth += 1
        do {
            let result = try body()
            transactionDepth -= 1
            _ = try run("COMMIT", bound: options.timeoutMilliseconds)
            return result
        } catch {
            transactionDepth -= 1
            if connection != nil { _ = try? run("ROLLBACK", bound: options.timeoutMilliseconds) }
            throw error
        }
    }

    /// Between statements an idle connection has nothing to say: anything readable on its
    /// socket is the server's goodbye (a FATAL "terminating connection" and end of file after a
    /// restart or a terminated backend). Such a connection is dropped before it is used; the
    /// next statement connects again. One `poll` with no wait.
    private func discardIfClosedByServer() {
        guard let connection else { return }
        let socket = PQsocket(connection)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        if socket < 0 || poll(&descriptor, 1, 0) != 0 { reset() }
    }

    /// Runs a script of several statements without binds (migrations only). Not bounded by the
    /// statement timeout: a migration may take long; its locks are bounded by `lock_timeout`.
    public func executeScript(_ script: String) throws(DatabaseError) {
        let connection = try connected()
        guard let result = PQexec(connection, script) else { throw lostConnection() }
        defer { PQclear(result) }
        try check(result)
    }

    /// Whether a connection is open now (it may still turn out to be broken).
    public var isConnected: Bool { connection != nil && PQstatus(connection) == CONNECTION_OK }

    private func connected() throws(DatabaseError) -> OpaquePointer {
        if let connection, PQstatus(connection) == CONNECTION_OK { return connection }
        reset()
        guard let fresh = connect() else { throw DatabaseError.unavailable("out of memory") }
        guard PQstatus(fresh) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(fresh))
            PQfinish(fresh)
            lastWaitTimedOut = true
            throw DatabaseError.unavailable(message.trimmingSpaces())
        }
        connection = fresh
        reconnects += 1
        previousNoticeArgument = nil
        previousNoticeReceiver = PQsetNoticeReceiver(fresh, { context, result in
            guard let context else { return }
            let database = Unmanaged<Database>.fromOpaque(context).takeUnretainedValue()
            database.noticeArrived = true
            database.previousNoticeReceiver?(database.previousNoticeArgument, result)
        }, Unmanaged.passUnretained(self).toOpaque())
        return fresh
    }

    /// Opens a connection: latch's defaults first, then the connection string (libpq's
    /// `expand_dbname`), whose own settings therefore win.
    private func connect() -> OpaquePointer? {
        let pairs = options.connectionDefaults + [("dbname", connectionString)]
        let keywords = pairs.map { strdup($0.keyword) }
        let values = pairs.map { strdup($0.value) }
        defer { (keywords + values).forEach { free($0) } }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return PQconnectdbParams(keywordPointers, valuePointers, 1)
    }

    /// Closes the connection (the next statement connects again) and forgets its statements.
    func dropConnection() { reset() }

    private func reset() {
        if let connection { PQfinish(connection) }
        connection = nil
        forgetPreparedStatements()
    }

    private func forgetPreparedStatements() {
        if !preparedNames.isEmpty { nameGeneration += 1 }
        preparedNames.removeAll()
    }

    private func lostConnection() -> DatabaseError {
        let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
        if let connection, PQstatus(connection) != CONNECTION_OK { reset() }
        return .unavailable(message)
    }

    /// Runs one statement. A server connection without this worker's prepared statement
    /// (26000), or with one of its name (42P05) — a pooler switched it — refused it before it
    /// ran: outside a transaction it is prepared and sent once more; a second refusal, or one
    /// inside a transaction (now aborted), answers 503, never a 500 that repeats forever.
    private func run(_ sql: SQL, bound: Int) throws(DatabaseError) -> [Row] {
        do {
            return try runOnce(sql, bound: bound)
        } catch .statement(let state, let message) where DatabaseOptions.isPreparedStatementMismatch(state) {
            guard let connection, PQtransactionStatus(connection) == PQTRANS_IDLE else {
                throw .unavailable("\(message) (inside a transaction; behind a transaction-mode pooler set LATCH_DATABASE_POOLING=transaction)")
            }
            do {
                return try runOnce(sql, bound: bound)
            } catch .statement(let state, let message) where DatabaseOptions.isPreparedStatementMismatch(state) {
                throw .unavailable("\(message) (again; behind a transaction-mode pooler set LATCH_DATABASE_POOLING=transaction)")
            }
        }
    }

    private func runOnce(_ sql: SQL, bound: Int) throws(DatabaseError) -> [Row] {
        lastWaitTimedOut = false
        try Database.checkBinds(sql)
        let connection = try connected()
        let deadline = Clock.monotonicNanoseconds() &+ UInt64(bound) * 1_000_000
        let name = options.pooling == .transaction ? nil : try prepare(sql.text, on: connection, deadline: deadline)
        // Keep every parameter's storage alive for the duration of the call.
        var storage: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for bind in sql.binds {
            switch bind {
            case .null:
                storage.append(nil); lengths.append(0); formats.append(0)
            case .text(let text):
                storage.append(Array(text.utf8CString)); lengths.append(0); formats.append(0)
            case .bytes(let bytes):
                storage.append(bytes.isEmpty ? [0] : bytes.map { CChar(bitPattern: $0) }); lengths.append(Int32(bytes.count)); formats.append(1)
            }
        }
        statementsSent += 1
        let sent = withPointers(storage) { pointers in
            if let name {
                PQsendQueryPrepared(connection, name, Int32(pointers.count), pointers, lengths, formats, 0)
            } else {
                PQsendQueryParams(connection, sql.text, Int32(pointers.count), nil, pointers, lengths, formats, 0)
            }
        }
        guard sent == 1 else { throw lostConnection() }
        guard let result = try awaitResult(on: connection, deadline: deadline) else { throw lostConnection() }
        defer { PQclear(result) }
        lastAnswerNanoseconds = Clock.monotonicNanoseconds()
        try check(result)
        return rows(of: result)
    }

    /// libpq reads a text value up to its first NUL: such a value is refused before anything is
    /// sent rather than silently cut short (PostgreSQL's own code for it: 22021).
    static func checkBinds(_ sql: SQL) throws(DatabaseError) {
        for case .text(let text) in sql.binds where text.utf8.contains(0) {
            throw DatabaseError.statement(sqlState: "22021", message: "a text value contains a NUL character")
        }
    }

    private func prepare(_ text: String, on connection: OpaquePointer, deadline: UInt64) throws(DatabaseError) -> String {
        if let name = preparedNames[text] { return name }
        let name = "\(namePrefix)g\(nameGeneration)s\(preparedNames.count)"
        guard PQsendPrepare(connection, name, text, 0, nil) == 1 else { throw lostConnection() }
        guard let result = try awaitResult(on: connection, deadline: deadline) else { throw lostConnection() }
        defer { PQclear(result) }
        try check(result)
        preparedNames[text] = name
        return name
    }

    private func check(_ result: OpaquePointer) throws(DatabaseError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            if let connection, PQstatus(connection) != CONNECTION_OK {
                let message = String(cString: PQerrorMessage(connection))
                reset()
                throw DatabaseError.unavailable(message)
            }
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "XX000"
            let message = String(cString: PQresultErrorMessage(result))
            // Class 08 (connection exception) and 57P (operator intervention: shutdown) mean
            // unreachable; 57014 is the cancel sent past the bound (nothing was committed).
            if state.hasPrefix("08") || state.hasPrefix("57P") || state == "57014" {
                reset()
                throw DatabaseError.unavailable(message)
            }
            // The server connection does not hold the statements this worker remembers (a
            // pooler switched it): forget them, so the next statement prepares afresh.
            if DatabaseOptions.isPreparedStatementMismatch(state) { forgetPreparedStatements() }
            throw DatabaseError.statement(sqlState: state, message: message.trimmingSpaces())
        }
    }

    private func rows(of result: OpaquePointer) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        guard rowCount > 0 else { return [] }
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }
}

private func withPointers<R>(_ storage: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(storage.count)
    func recurse(_ index: Int) -> R {
        if index == storage.count { return body(pointers) }
        guard let item = storage[index] else {
            pointers.append(nil)
            return recurse(index + 1)
        }
        return item.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return recurse(index + 1)
        }
    }
    return recurse(0)
}
