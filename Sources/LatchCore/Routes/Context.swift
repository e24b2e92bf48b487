/// What a handler may use: the configuration and this worker's database connection.
public final class Context {
    public let configuration: Configuration
    public let database: Database
    public let executable: String

    public init(configuration: Configuration, database: Database, executable: String) {
        self.configuration = configuration
        self.database = database
        self.executable = executable
    }
}

/// latch's routes, router and handlers: the platform's, over latch's `Context`.
public typealias Route = LatchPlatform.Route<Context>
public typealias Router = LatchPlatform.Router<Context>
public typealias Handler = LatchPlatform.Handler<Context>
