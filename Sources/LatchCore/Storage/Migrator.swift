import Glibc

/// Applies the numbered plain-SQL files of `sql/` (`001_schema.sql`, `002_…`) in order,
/// each once, each in its own transaction, recording them in `schema_migrations`.
///
/// Safe on a live database (README "Running latch for real"): each migration's transaction
/// runs with `lock_timeout` (`lockTimeoutMilliseconds`, default 5000; a migration may set its
/// own), so a migration that cannot take a table's lock because a long transaction holds it
/// fails after that time, changing nothing, instead of queueing every request of the table
/// behind its lock request for as long as that transaction lasts.
public struct Migrator {
    public struct Migration: Equatable, Sendable {
        public let version: Int
        public let name: String
        public let path: String
    }

    public let directory: String
    /// Each migration's `lock_timeout`, milliseconds (`latchctl migrate --lock-timeout-ms`).
    public let lockTimeoutMilliseconds: Int
    public static let defaultLockTimeoutMilliseconds = 5000

    public init(directory: String, lockTimeoutMilliseconds: Int = Migrator.defaultLockTimeoutMilliseconds) {
        precondition(lockTimeoutMilliseconds > 0)
        self.directory = directory
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    /// The migrations `migrate` would apply now, changing nothing (`latchctl migrate --plan`).
    public func pending(_ database: Database) throws -> [Migration] {
        let all = try migrations()
        let present = try database.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")[0].bool("present")
        guard present else { return all }
        let applied = Set(try database.query("SELECT version FROM schema_migrations").map { try $0.int("version") })
        return all.filter { !applied.contains($0.version) }
    }

    /// The migrations found in `directory`, sorted by version; duplicate versions are an error.
    public func migrations() throws -> [Migration] {
        guard let dir = opendir(directory) else { throw MigrationError("cannot read the migrations directory \(directory)") }
        defer { closedir(dir) }
        var found: [Migration] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".sql"), let version = Migrator.version(of: name) else { continue }
            found.append(Migration(version: version, name: String(name.dropLast(4)), path: directory + "/" + name))
        }
        found.sort { $0.version < $1.version }
        for (a, b) in zip(found, found.dropFirst()) where a.version == b.version {
            throw MigrationError("two migrations share version \(a.version): \(a.name) and \(b.name)")
        }
        return found
    }

    static func version(of fileName: String) -> Int? {
        let digits = fileName.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, fileName.dropFirst(digits.count).first == "_" else { return nil }
        return Int(digits)
    }

    /// Applies what is missing; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate(_ database: Database) throws -> [String] {
        try database.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            COMMENT ON TABLE schema_migrations IS 'Which numbered files of sql/ latchctl migrate has applied.';
            COMMENT ON COLUMN schema_migrations.version IS 'The number the file name starts with.';
            COMMENT ON COLUMN schema_migrations.name IS 'The file name without .sql.';
            COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';
            """)
        var applied: [String] = []
        for migration in try migrations() {
            let script = try Migrator.read(migration.path)
            let done = try database.withTransaction { () throws -> Bool in
                // One migrator at a time, however many hosts run `latchctl migrate` at once.
                try database.query("SELECT pg_advisory_xact_lock(7460737)")
                let rows = try database.query("SELECT 1 AS present FROM schema_migrations WHERE version = \(migration.version)")
                guard rows.isEmpty else { return false }
                // Transaction-local, like SET LOCAL; bound as a value.
                try database.query("SELECT set_config('lock_timeout', \(String(lockTimeoutMilliseconds) + "ms"), true)")
                do {
                    try database.executeScript(script)
                } catch DatabaseError.statement(let state, let message) where state == "55P03" {
                    throw MigrationError("""
                        \(migration.name) could not take a lock within \(lockTimeoutMilliseconds) ms (lock_timeout): \
                        a transaction holds a table it changes (\(message)). Nothing of it was applied; \
                        run latchctl migrate again, or give it more time with --lock-timeout-ms
                        """)
                }
                try database.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
                return true
            }
            if done { applied.append(migration.name) }
        }
        if !applied.isEmpty {
            // Only `latchctl migrate` migrates: the row is that administrator's (`AdminActor`).
            try AdminActor.latchctl.record(.adminMigrated, in: database, detail: ["applied": .array(applied.map { .string($0) })])
        }
        return applied
    }

    static func read(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw MigrationError("cannot read \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Finds `sql/`: `$LATCH_SQL_DIR`, else `/usr/share/latch/sql`, else the nearest
    /// `sql/` above the running executable (a build tree inside the checkout).
    public static func locateDirectory(environment: [String: String], executablePath: String) -> String? {
        if let dir = environment["LATCH_SQL_DIR"], !dir.isEmpty { return dir }
        var candidates = ["/usr/share/latch/sql"]
        var path = executablePath
        while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            path = String(path[..<slash])
            candidates.append(path + "/sql")
        }
        return candidates.first { access($0 + "/001_schema.sql", R_OK) == 0 }
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
