import Testing
@testable import LatchCore
@testable import LatchPlatform

/// Issue 17: bounded database waits, stale requests, pooling (README "Running latch for real").
@Suite struct DatabaseAvailabilityTests {
    @Test func requestStartReadsNginxMsec() {
        #expect(RequestAge.milliseconds("1700000000.123") == 1_700_000_000_123)
        #expect(RequestAge.milliseconds("1700000000.1") == 1_700_000_000_100)
        #expect(RequestAge.milliseconds("1700000000.12345") == 1_700_000_000_123)
        #expect(RequestAge.milliseconds("1700000000") == 1_700_000_000_000)
    }

    @Test(arguments: ["", ".5", "1700000000.", "-1700000000.123", "1700000000.12a", "17e9", " 1700000000.1",
                      "1700000000.1.2", "9999999999999.0", "１７"])
    func garbledStartIsNoCheck(_ text: String) {
        #expect(RequestAge.milliseconds(text) == nil)
        #expect(!RequestAge.isStale(text, limitMilliseconds: 1, now: Int.max / 2))
    }

    @Test func staleOnlyPastTheLimit() {
        let now = 1_700_000_010_000
        #expect(!RequestAge.isStale(nil, limitMilliseconds: 2000, now: now))
        #expect(!RequestAge.isStale("1700000008.000", limitMilliseconds: 2000, now: now))
        #expect(RequestAge.isStale("1700000007.999", limitMilliseconds: 2000, now: now))
        // A start in the future (clocks a little apart) is not stale.
        #expect(!RequestAge.isStale("1700000020.000", limitMilliseconds: 2000, now: now))
    }

    @Test func connectionDefaultsComeFirstSoTheURLWins() {
        let defaults = DatabaseOptions(timeoutMilliseconds: 2000).connectionDefaults
        let names = defaults.map(\.keyword)
        #expect(names == ["keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "connect_timeout"])
        #expect(defaults.first { $0.keyword == "connect_timeout" }?.value == "2")
        #expect(defaults.first { $0.keyword == "tcp_user_timeout" }?.value == "2000")
        // libpq's minimum connect_timeout is 2 s; longer bounds round up.
        #expect(DatabaseOptions(timeoutMilliseconds: 500).connectionDefaults.first { $0.keyword == "connect_timeout" }?.value == "2")
        #expect(DatabaseOptions(timeoutMilliseconds: 4500).connectionDefaults.first { $0.keyword == "connect_timeout" }?.value == "5")
        // The executable's name, unless the URL names the application.
        #expect(DatabaseOptions(applicationName: "latch-tokens").connectionDefaults.last! == ("fallback_application_name", "latch-tokens"))
    }

    @Test func preparedStatementErrorsAreRecognised() {
        #expect(DatabaseOptions.isPreparedStatementMismatch("26000"))
        #expect(DatabaseOptions.isPreparedStatementMismatch("42P05"))
        #expect(!DatabaseOptions.isPreparedStatementMismatch("23505"))
    }

    @Test func settingsAreRead() throws {
        let base = ["LATCH_DATABASE_URL": "dbname=latch", "LATCH_ISSUER": "https://auth.example.com"]
        let defaults = try Configuration.fromEnvironment(base)
        #expect(defaults.databaseTimeoutMilliseconds == 2000)
        #expect(defaults.databasePooling == .session)
        let set = try Configuration.fromEnvironment(base.merging(["LATCH_DATABASE_TIMEOUT_MS": "750", "LATCH_DATABASE_POOLING": "transaction"]) { $1 })
        #expect(set.databaseTimeoutMilliseconds == 750)
        #expect(set.databasePooling == .transaction)
        #expect(set.serverSettings.database == DatabaseOptions(timeoutMilliseconds: 750, pooling: .transaction))
        #expect(defaults.readDatabaseURL == nil)
        #expect(defaults.readMaxLagMilliseconds == 1000)
        let read = try Configuration.fromEnvironment(base.merging(["LATCH_READ_DATABASE_URL": "host=standby dbname=latch",
                                                                   "LATCH_READ_MAX_LAG_MS": "250"]) { $1 })
        #expect(read.readDatabaseURL == "host=standby dbname=latch")
        #expect(read.readMaxLagMilliseconds == 250)
        #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(base.merging(["LATCH_READ_MAX_LAG_MS": "-1"]) { $1 })
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(base.merging(["LATCH_DATABASE_TIMEOUT_MS": "0"]) { $1 })
        }
        #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(base.merging(["LATCH_DATABASE_POOLING": "statement"]) { $1 })
        }
    }
}
