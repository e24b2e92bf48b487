/// A hot standby for read-only statements, used while it is reachable and close enough behind
/// the primary (README "Running latch for real").
///
/// How far behind it is, is measured on the standby itself, at most every `checkInterval` per
/// worker (one small statement, never on every request): caught up when it has replayed all
/// the WAL it received, else the age of the last transaction it replayed (an idle primary makes
/// that age grow, hence the first test). Further behind than `maxLagMilliseconds`, unreachable,
/// or failing a statement: skipped for the primary, and looked at again after a back-off
/// (1 s doubling to 16 s). A read that fails on the standby is run again on the primary: a
/// read-only statement changes nothing, so sending it twice is safe.
public final class ReadReplica {
    public let replica: Database
    public let primary: Database
    public let maxLagMilliseconds: Int
    static let checkIntervalNanoseconds: UInt64 = 250_000_000
    static let firstBackOffNanoseconds: UInt64 = 1_000_000_000
    static let longestBackOffNanoseconds: UInt64 = 16_000_000_000

    private var usable = false
    private var nextCheck: UInt64 = 0
    private var backOff = ReadReplica.firstBackOffNanoseconds
    /// Reads answered by the standby and by the primary instead (what the tests look at).
    public private(set) var readsOnReplica = 0
    public private(set) var readsOnPrimary = 0

    public init(replica: Database, primary: Database, maxLagMilliseconds: Int) {
        self.replica = replica
        self.primary = primary
        self.maxLagMilliseconds = maxLagMilliseconds
    }

    /// The standby's lag, milliseconds: 0 when it has replayed everything it received (or is
    /// no standby at all, e.g. promoted).
    static let lagStatement: SQL = """
        SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE coalesce((extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint, 1000000000)
               END AS lag_ms
        """

    /// Runs `body` on the standby when it is usable, else (or when it fails there) on the primary.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        if isUsable() {
            do {
                let value = try body(replica)
                readsOnReplica += 1
                return value
            } catch let error as DatabaseError {
                guard case .unavailable = error else { throw error }
                skip()
            }
        }
        readsOnPrimary += 1
        return try body(primary)
    }

    private func isUsable() -> Bool {
        let now = Clock.monotonicNanoseconds()
        guard now >= nextCheck else { return usable }
        do {
            let lag = try replica.query(ReadReplica.lagStatement).first?.int("lag_ms") ?? Int.max
            if lag <= maxLagMilliseconds {
                usable = true
                backOff = ReadReplica.firstBackOffNanoseconds
                nextCheck = now &+ ReadReplica.checkIntervalNanoseconds
            } else {
                skip()
            }
        } catch {
            skip()
        }
        return usable
    }

    private func skip() {
        usable = false
        nextCheck = Clock.monotonicNanoseconds() &+ backOff
        backOff = min(backOff * 2, ReadReplica.longestBackOffNanoseconds)
    }
}
