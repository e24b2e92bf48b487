import CPostgres
import Glibc

extension Database {
    /// Waits for the answer to the statement just sent, until `deadline` (monotonic
    /// nanoseconds), and returns its result (nil: the connection ended first). The caller
    /// clears it. The request answers 503 and the statement is never resent when it is not
    /// answered in time:
    ///
    /// - at the deadline the server is asked to cancel the statement, and its answer awaited
    ///   once more as long (`cancelGraceNanoseconds`): a live server answers at once, and the outcome is then
    ///   known — cancelled (57014, nothing committed: 503), or finished after all (its result
    ///   is used), or committed here but cancelled while waiting for the synchronous standby
    ///   (a warning comes with it: 503, as the standby does not have it);
    /// - past the grace (a frozen or vanished server) the connection is dropped: 503.
    ///
    /// Under load the answer is usually there at the first `poll`: one `poll` and one `recv`,
    /// as libpq's own blocking call makes.
    func awaitResult(on connection: OpaquePointer, deadline: UInt64) throws(DatabaseError) -> OpaquePointer? {
        var first: OpaquePointer?
        var deadline = deadline
        var cancelled = false
        while true {
            while PQisBusy(connection) != 0 {
                let now = Clock.monotonicNanoseconds()
                guard now < deadline else {
                    if !cancelled, let cancel = PQgetCancel(connection) {
                        cancelled = true
                        noticeArrived = false
                        Database.cancelInBackground(cancel)
                        deadline = now &+ cancelGraceNanoseconds
                        continue
                    }
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
            guard let result = PQgetResult(connection) else {
                if cancelled, noticeArrived, let first, PQresultStatus(first) == PGRES_COMMAND_OK || PQresultStatus(first) == PGRES_TUPLES_OK {
                    PQclear(first)
                    dropConnection()
                    throw .unavailable("commit not confirmed within \(options.timeoutMilliseconds) ms (LATCH_DATABASE_TIMEOUT_MS): cancelled while waiting for the synchronous standby")
                }
                return first
            }
            if first == nil { first = result } else { PQclear(result) }
        }
    }

    /// How long a cancelled statement's answer is awaited: as long as the bound again (at least
    /// 100 ms). A live but slow server (a commit's flush under load) answers within it, and its
    /// answer says whether the statement committed; only a server that does not answer at all
    /// leaves that unknown.
    var cancelGraceNanoseconds: UInt64 {
        UInt64(max(options.timeoutMilliseconds, 100)) * 1_000_000
    }

    /// Gives up on the statement in flight, already asked to cancel: drops the connection and
    /// says why. Whether it committed is unknown, like any statement of a connection that broke
    /// after sending (README "Running latch for real").
    private func abandon(_ connection: OpaquePointer) -> DatabaseError {
        dropConnection()
        lastWaitTimedOut = true
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
