import CFastCGI
import Glibc

/// What the request layer needs from the product's configuration.
public struct ServerSettings: Sendable {
    public var databaseURL: String
    public var maxBodyBytes: Int
    public var logLevel: Log.Level
    public var slowRequestMilliseconds: Int
    public var metricsEnabled: Bool
    /// The bound on database waits and how statements are sent; the bound is also the oldest
    /// a request may be when a worker takes it (`Worker`).
    public var database = DatabaseOptions()

    public init(databaseURL: String, maxBodyBytes: Int, logLevel: Log.Level, slowRequestMilliseconds: Int, metricsEnabled: Bool) {
        self.databaseURL = databaseURL
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
        self.slowRequestMilliseconds = slowRequestMilliseconds
        self.metricsEnabled = metricsEnabled
    }
}

/// What an executable serves, once its configuration is read: the settings, the router, the
/// error codes its metrics count by name, and how each worker makes its handlers' context
/// around its own database connection.
public struct Service<Context> {
    public var settings: ServerSettings
    public var router: Router<Context>
    public var errorCodes: [String]
    public var makeContext: (Database) -> Context

    public init(settings: ServerSettings, router: Router<Context>, errorCodes: [String], makeContext: @escaping (Database) -> Context) {
        self.settings = settings
        self.router = router
        self.errorCodes = errorCodes
        self.makeContext = makeContext
    }
}

/// Runs a FastCGI executable: parses options and configuration, opens the socket, then
/// supervises `--workers N` forked workers, each running the accept loop.
public enum FastCGIServer {
    /// The entry point of every executable. `serves` and `environment` are its `--help` text
    /// (what it serves; the variables it reads); `start` reads the configuration from the
    /// environment (a thrown error's description is printed, exit 78) and says what to serve.
    public static func main<Context>(executable: String, serves: String, environment help: String,
                                     start: ([String: String]) throws -> Service<Context>) -> Never {
        // SIGTERM, SIGINT, SIGHUP and SIGCHLD wait for the supervisor's sigwait from the start:
        // one arriving while the process starts (FCGX_Init installs libfcgi's own handlers, the
        // product prepares itself in `start`) is then a shutdown like any other, never lost.
        var signals = Supervisor.handledSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = Environment.current()
        let options: ServerOptions
        do {
            options = try ServerOptions.parse(arguments).applyingEnvironment(environment)
        } catch {
            fail("\(executable): \(error)\nTry '\(executable) --help'.", code: 64)
        }
        if options.showHelp {
            print(ServerOptions.usage(executable: executable, serves: serves, environment: help))
            exit(0)
        }
        let service: Service<Context>
        do {
            service = try start(environment)
        } catch {
            fail(String(describing: error), code: 78)
        }
        Log.threshold = service.settings.logLevel
        // libfcgi reads its own copy of the allow-list in FCGX_Init (it closes IPv4 peers that
        // are not on it before reading a byte); the workers check every peer again.
        if let list = options.allow.libfcgiList { setenv("FCGI_WEB_SERVER_ADDRS", list, 1) } else { unsetenv("FCGI_WEB_SERVER_ADDRS") }
        guard FCGX_Init() == 0 else { fail("\(executable): FCGX_Init failed", code: 70) }
        let listening: Listener.Listening
        do {
            listening = try Listener.open(options)
        } catch {
            fail("\(executable): \(error)", code: 71)
        }

        // The metrics table is mapped here, before any fork, so every worker shares it.
        var metrics: Metrics?
        var router = service.router
        if service.settings.metricsEnabled {
            metrics = Metrics(executable: executable, routePatterns: router.routes.map(\.pattern) + MetricsEndpoint.patterns,
                              errorCodes: service.errorCodes)
            guard let metrics else { fail("\(executable): cannot map shared memory for metrics (set LATCH_METRICS=false to run without)", code: 71) }
            do {
                router = try router.adding(MetricsEndpoint.routes(metrics))
            } catch {
                fail("\(executable): \(error)", code: 70)
            }
        }
        let supervisor = Supervisor(executable: executable, workers: options.workers, metrics: metrics) { [router] in
            Worker(socket: listening.socket, allow: listening.allow, executable: executable, service: service,
                   router: router, metrics: metrics).run()
        }
        supervisor.run()
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Log.write(message)
        exit(code)
    }
}

/// The process environment as a dictionary (configuration is read from it once at start).
public enum Environment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
