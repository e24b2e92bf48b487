/// What a handler may use: the configuration and this worker's database connection.
public final class Context {
    public let configuration: Configuration
    public let database: Database
    public let executable: String
    /// The standby the gate reads from (`LATCH_READ_DATABASE_URL`), with its own connection.
    public let readReplica: ReadReplica?

    public init(configuration: Configuration, database: Database, executable: String) {
        self.configuration = configuration
        self.database = database
        self.executable = executable
        readReplica = configuration.readDatabaseURL.map {
            ReadReplica(replica: Database(connectionString: $0, options: database.options), primary: database,
                        maxLagMilliseconds: configuration.readMaxLagMilliseconds)
        }
    }

    /// Runs a read-only `body` on the standby when one is configured and usable, else on the
    /// primary (README "Running latch for real"). Only for statements that write nothing.
    public func reading<T>(_ body: (Database) throws -> T) throws -> T {
        guard let readReplica else { return try body(database) }
        return try readReplica.read(body)
    }
}

/// latch's routes, router and handlers: the platform's, over latch's `Context`.
public typealias Route = LatchPlatform.Route<Context>
public typealias Router = LatchPlatform.Router<Context>
public typealias Handler = LatchPlatform.Handler<Context>
