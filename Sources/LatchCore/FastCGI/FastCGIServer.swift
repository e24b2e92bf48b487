import CFastCGI
import Glibc

/// Runs a FastCGI executable: parses options and configuration, opens the socket, then
/// supervises `--workers N` forked workers, each running the accept loop.
public enum FastCGIServer {
    /// The entry point every executable's `main.swift` calls.
    public static func main(executable: String, serves: String, routes: Router) -> Never {
        // SIGTERM, SIGINT, SIGHUP and SIGCHLD wait for the supervisor's sigwait from the start:
        // one arriving while the process starts (FCGX_Init installs libfcgi's own handlers, the
        // decoy hash is computed) is then a shutdown like any other, never lost.
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
            print(ServerOptions.usage(executable: executable, serves: serves))
            exit(0)
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.fromEnvironment(environment)
        } catch {
            fail(error.description, code: 78)
        }
        Log.threshold = configuration.logLevel
        // The decoy hash that unknown usernames are checked against is computed now, before any
        // fork (and before the socket exists), so that the first unknown name does not take
        // longer than the next ones.
        PasswordHasher.prepareDecoy()
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
        if configuration.metricsEnabled {
            metrics = Metrics(executable: executable, routePatterns: routes.routes.map(\.pattern) + MetricsEndpoint.patterns)
            if metrics == nil { fail("\(executable): cannot map shared memory for metrics (set LATCH_METRICS=false to run without)", code: 71) }
        }
        let router = metrics.map { Router(routes.routes + MetricsEndpoint.routes($0)) } ?? routes
        let supervisor = Supervisor(executable: executable, workers: options.workers, metrics: metrics) {
            Worker(socket: listening.socket, allow: listening.allow, executable: executable, configuration: configuration,
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
