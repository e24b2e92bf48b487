import CPostgres
import Glibc

extension Database {
    /// Waits for the answer to the statement just sent, until `deadline` (monotonic
    /// nanoseconds), and returns its result (nil: the connection ended first). The caller
    /// clears it. Past the deadline the statement is cancelled, the connection dropped and
    /// `DatabaseError.unavailable` thrown: the request answers 503 and is never resent.
    ///
    /// Under load the answer is usually there at the first `poll`: one `poll` and one `recv`,
    /// as libpq's own blocking call makes.
    func awaitResult(on connection: OpaquePointer, deadline: UInt64) throws(DatabaseError) -> OpaquePointer? {
        var first: OpaquePointer?
        while true {
            while PQisBusy(connection) != 0 {
                let now = Clock.monotonicNanoseconds()
                guard now < deadline else {
                    if let first { PQclear(first) }
                    throw abandon(connection)
                }
                let milliseconds = Int32(min((deadline - now + 999_999) / 1_000_000, 3_600_000))
                var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0 && errno == EINTR { continue }
                if ready != 0, PQconsumeInput(connection) == 0 {
                    // The connection broke; libpq has the reason. Whatever was read is moot.
                    if let first { PQclear(first) }
                    return nil
                }
            }
            // One statement gives one result, then nil; a second result (never expected) is dropped.
            guard let result = PQgetResult(connection) else { return first }
            if first == nil { first = result } else { PQclear(result) }
        }
    }

    /// Gives up on the statement in flight: asks the server to cancel it, drops the connection
    /// and says why. A statement cancelled while its commit waited for a synchronous standby is
    /// committed locally (PostgreSQL's warning says so): that answer is lost, like any answer
    /// of a connection that broke after sending (README "Running latch for real").
    private func abandon(_ connection: OpaquePointer) -> DatabaseError {
        let cancel = PQgetCancel(connection)
        dropConnection()
        if let cancel { Database.cancelInBackground(cancel) }
        return .unavailable("no answer within \(options.timeoutMilliseconds) ms (LATCH_DATABASE_TIMEOUT_MS): statement cancelled, connection dropped")
    }

    /// Sends PostgreSQL's cancel request on a detached thread. `PQcancel` opens a connection to
    /// the server and waits for it to close: against a frozen server that wait has no end, and
    /// the worker must not share it. The thread ends when the server answers or goes away.
    static func cancelInBackground(_ cancel: OpaquePointer) {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let cancel = OpaquePointer(argument)
            var message = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &message, Int32(message.count))
            PQfreeCancel(cancel)
            return nil
        }, UnsafeMutableRawPointer(cancel))
        if started == 0 { pthread_detach(thread) } else { PQfreeCancel(cancel) }
    }
}
