import ArgumentParser
import LatchCore
import Glibc

struct LatchCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchctl",
        abstract: "Administer a latch authorization server (its PostgreSQL database).",
        discussion: """
            Reads LATCH_DATABASE_URL (and LATCH_ISSUER where URLs are printed) from the environment. \
            Every command takes --help and --json; exit status 0 on success, 1 when something is not \
            found or fails, 64 for a usage mistake.
            """,
        subcommands: [
            Migrate.self,
            UserCommand.self,
            ScopeCommand.self,
            ResourceCommand.self,
            AppCommand.self,
            AdminTokenCommand.self,
            TokensCommand.self,
            Purge.self,
            KeysCommand.self,
            Audit.self,
            DebugCommand.self,
        ]
    )
}

/// Where the database is: `--database-url`, else `LATCH_DATABASE_URL`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq connection string (default: $LATCH_DATABASE_URL)")
    var databaseURL: String?

    func database() throws -> Database {
        let environment = Environment.current()
        guard let url = databaseURL ?? environment["LATCH_DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("LATCH_DATABASE_URL is not set and --database-url was not given")
        }
        // Administration may wait longer than a request (a purge batch, a migration's lock):
        // bounded by five minutes, not by LATCH_DATABASE_TIMEOUT_MS.
        return Database(connectionString: url, options: LatchPlatform.DatabaseOptions(timeoutMilliseconds: 300_000))
    }
}

/// Options every database subcommand shares (`audit` takes only `DatabaseOptions`, with its own
/// `--json`): where the database is, and how to print (`Output`: an aligned table or a line for
/// people, `--json` for scripts).
struct GlobalOptions: ParsableArguments {
    @OptionGroup var connection: DatabaseOptions
    @Flag(help: "print JSON instead of a table")
    var json = false

    func database() throws -> Database { try connection.database() }
}


struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the numbered SQL migrations that are not applied yet.",
        discussion: """
            Each migration runs in its own transaction with lock_timeout (--lock-timeout-ms): one that \
            cannot lock a table a long transaction holds fails after that time and changes nothing, \
            rather than stalling the table's traffic behind it. --plan lists what would be applied.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "directory of numbered .sql files (default: $LATCH_SQL_DIR or the sql/ of this checkout)")
    var dir: String?
    @Flag(help: "list the migrations that would be applied, and change nothing")
    var plan = false
    @Option(help: "lock_timeout of each migration's transaction, milliseconds")
    var lockTimeoutMs = Migrator.defaultLockTimeoutMilliseconds

    func validate() throws {
        guard lockTimeoutMs > 0 else { throw ValidationError("--lock-timeout-ms must be a positive number of milliseconds") }
    }

    func run() throws {
        let environment = Environment.current()
        guard let directory = dir ?? Migrator.locateDirectory(environment: environment, executablePath: CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : ExecutablePath.current()) else {
            throw ValidationError("cannot find the sql/ directory: pass --dir or set LATCH_SQL_DIR")
        }
        let migrator = Migrator(directory: directory, lockTimeoutMilliseconds: lockTimeoutMs)
        if plan {
            let pending = try migrator.pending(try global.database())
            if global.json {
                Output.json(["pending": .array(pending.map { .string($0.name) })])
            } else if pending.isEmpty {
                print("schema is up to date: nothing would be applied")
            } else {
                for migration in pending { print("would apply \(migration.name)") }
            }
            return
        }
        let applied = try migrator.migrate(try global.database())
        // The first signing keys, when there are none and the key-encryption key is set
        // (README "OpenID Connect").
        let keys = try global.keys()
        let firstKeys = try keys.canSign && keys.schemaHasKeys() ? try keys.rotate(.missing) : []
        if global.json {
            var members: [(String, JSON)] = [("applied", .array(applied.map { .string($0) }))]
            if !firstKeys.isEmpty { members.append(("keys_created", .array(firstKeys.map { .string($0.kid) }))) }
            Output.json(.object(members))
            return
        } else if applied.isEmpty {
            print("schema is up to date")
        } else {
            for name in applied { print("applied \(name)") }
        }
        for key in firstKeys { print("created the first \(key.algorithm.rawValue) signing key \(key.kid)") }
        if !keys.canSign { print("note: LATCH_KEY_ENCRYPTION_KEY_FILE is not set, so no signing keys were made (README \"OpenID Connect\")") }
    }
}

enum ExecutablePath {
    static func current() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
