import CFastCGI
import Glibc

/// Request counters of one executable, shared by its supervisor and every worker.
///
/// Workers are separate processes, so the counters live in one anonymous shared mapping
/// (`mmap(MAP_SHARED | MAP_ANONYMOUS)`) that the supervisor creates before it forks; each
/// worker adds to them with atomic fetch-and-add, so no count is lost whichever worker
/// serves a request, and whichever worker answers `GET /metrics` reads them all. A worker
/// that dies loses nothing it counted. The table is fixed when the executable starts:
/// every route pattern (plus `unmatched`) × status class × error code (the codes the
/// product names, plus `other`), a latency histogram per route, and a few process gauges.
///
/// Counters restart from zero when the executable restarts, as Prometheus expects.
public final class Metrics: @unchecked Sendable {
    // The only shared state is the mapping, and every access to it is atomic.

    public let executable: String
    /// Route labels: each distinct route pattern, then `unmatched`.
    public let routeLabels: [String]
    /// Router route index → label index.
    let labelOfRoute: [Int]
    let words: UnsafeMutablePointer<UInt64>
    let wordCount: Int

    /// Status classes 1xx…5xx.
    static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"]

    /// Error codes counted by name (the product names them: `Response.logErrorCode` values);
    /// any other code is counted as `other`, so the table stays bounded.
    public let errorCodes: [String]
    /// Error slot 0 is "no error"; the last slot is `other`.
    let errorSlots: Int
    let errorIndex: [String: Int]

    /// Upper bounds of the latency histogram, in seconds (Prometheus `le`).
    public static let latencyBounds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    static let latencyBoundsNanoseconds: [UInt64] = latencyBounds.map { UInt64(($0 * 1e9).rounded()) }
    static var bucketCount: Int { latencyBounds.count + 1 }

    // Layout of the mapping, in 64-bit words.
    static let workersAliveWord = 0
    static let workersConfiguredWord = 1
    static let workerRestartsWord = 2
    static let databaseReconnectsWord = 3
    static let databaseStatementsWord = 4
    static let headerWords = 8
    var requestsBase: Int { Metrics.headerWords }
    var histogramBase: Int { requestsBase + routeLabels.count * Metrics.statusClasses.count * errorSlots }
    var sumBase: Int { histogramBase + routeLabels.count * Metrics.bucketCount }

    /// Maps the shared counters for an executable whose router has these route patterns
    /// (in router order), counting these error codes by name. Call before forking; nil when
    /// the mapping cannot be made.
    public init?(executable: String, routePatterns: [String], errorCodes: [String]) {
        self.executable = executable
        self.errorCodes = errorCodes
        errorSlots = errorCodes.count + 2
        errorIndex = Dictionary(errorCodes.enumerated().map { ($1, $0 + 1) }, uniquingKeysWith: { first, _ in first })
        var labels: [String] = []
        var labelOfRoute: [Int] = []
        for pattern in routePatterns {
            if let index = labels.firstIndex(of: pattern) {
                labelOfRoute.append(index)
            } else {
                labelOfRoute.append(labels.count)
                labels.append(pattern)
            }
        }
        labels.append("unmatched")
        routeLabels = labels
        self.labelOfRoute = labelOfRoute
        wordCount = Metrics.headerWords + labels.count * (Metrics.statusClasses.count * errorSlots + Metrics.bucketCount + 1)
        let bytes = wordCount * MemoryLayout<UInt64>.stride
        guard let mapping = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
              mapping != MAP_FAILED else { return nil }
        // Fresh anonymous pages are zero.
        words = mapping.bindMemory(to: UInt64.self, capacity: wordCount)
    }

    deinit { munmap(words, wordCount * MemoryLayout<UInt64>.stride) }

    // MARK: Writing (workers)

    /// Counts one answered request. `route` is the router's index of the matched route
    /// (nil when no route matched); `errorCode` the response's error code, if any.
    public func record(route: Int?, status: Int, errorCode: String?, nanoseconds: UInt64) {
        let label = route.map { labelOfRoute[$0] } ?? routeLabels.count - 1
        let statusClass = min(max(status / 100 - 1, 0), Metrics.statusClasses.count - 1)
        let error = errorCode.map { errorIndex[$0] ?? errorSlots - 1 } ?? 0
        latch_counter_add(words + requestsBase + (label * Metrics.statusClasses.count + statusClass) * errorSlots + error, 1)
        var bucket = 0
        while bucket < Metrics.latencyBoundsNanoseconds.count, nanoseconds > Metrics.latencyBoundsNanoseconds[bucket] { bucket += 1 }
        latch_counter_add(words + histogramBase + label * Metrics.bucketCount + bucket, 1)
        latch_counter_add(words + sumBase + label, nanoseconds)
    }

    public func addDatabaseReconnects(_ count: Int) {
        if count > 0 { latch_counter_add(words + Metrics.databaseReconnectsWord, UInt64(count)) }
    }

    public func addDatabaseStatements(_ count: Int) {
        if count > 0 { latch_counter_add(words + Metrics.databaseStatementsWord, UInt64(count)) }
    }

    // MARK: Writing (supervisor)

    public func setWorkers(alive: Int, configured: Int) {
        latch_counter_store(words + Metrics.workersAliveWord, UInt64(max(alive, 0)))
        latch_counter_store(words + Metrics.workersConfiguredWord, UInt64(max(configured, 0)))
    }

    public func countWorkerRestart() { latch_counter_add(words + Metrics.workerRestartsWord, 1) }

    // MARK: Reading

    func load(_ index: Int) -> UInt64 { latch_counter_load(words + index) }

    public var workersAlive: UInt64 { load(Metrics.workersAliveWord) }
    public var workerRestarts: UInt64 { load(Metrics.workerRestartsWord) }
    public var databaseReconnects: UInt64 { load(Metrics.databaseReconnectsWord) }
    public var databaseStatements: UInt64 { load(Metrics.databaseStatementsWord) }

    /// Requests counted for a route label, status class (`"2xx"`) and error (nil = none).
    public func requests(route: String, status: String, error: String? = nil) -> UInt64 {
        guard let label = routeLabels.firstIndex(of: route), let statusClass = Metrics.statusClasses.firstIndex(of: status) else { return 0 }
        let slot = error.map { errorIndex[$0] ?? errorSlots - 1 } ?? 0
        return load(requestsBase + (label * Metrics.statusClasses.count + statusClass) * errorSlots + slot)
    }
}
