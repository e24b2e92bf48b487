extension RouteTable {
    /// Runs this executable: reads latch's configuration, then serves the table
    /// (`FastCGIServer`). The whole of every executable's `main.swift`.
    public func serve() -> Never {
        let executable = self.executable
        let router = self.router
        FastCGIServer.main(executable: executable, serves: summary, environment: Configuration.help) { environment in
            let configuration = try Configuration.fromEnvironment(environment)
            // Before any fork: credential-shaped text never reaches the log, and the decoy hash
            // that unknown usernames are checked against is ready, so that the first unknown
            // name does not take longer than the next ones.
            Log.redaction = Redaction.scrub
            PasswordHasher.prepareDecoy()
            return Service(settings: configuration.serverSettings, router: router, errorCodes: OAuthError.Code.counted) {
                Context(configuration: configuration, database: $0, executable: executable)
            }
        }
    }
}

extension Configuration {
    /// What the request layer needs of it.
    var serverSettings: ServerSettings {
        var settings = ServerSettings(databaseURL: databaseURL, maxBodyBytes: maxBodyBytes, logLevel: logLevel,
                                      slowRequestMilliseconds: slowRequestMilliseconds, metricsEnabled: metricsEnabled)
        settings.database = DatabaseOptions(timeoutMilliseconds: databaseTimeoutMilliseconds, pooling: databasePooling)
        return settings
    }

    /// The ENVIRONMENT part of `--help`: every variable, its meaning and its default.
    static var help: String {
        documentation.map { entry in
            let name = entry.variable.count >= 30 ? entry.variable : entry.variable + String(repeating: " ", count: 30 - entry.variable.count)
            return "  \(name) \(entry.meaning) (default \(entry.defaultValue))"
        }.joined(separator: "\n")
    }
}
