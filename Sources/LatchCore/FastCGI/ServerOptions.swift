/// Command-line options every FastCGI executable shares.
public struct ServerOptions: Equatable, Sendable {
    public enum Listen: Equatable, Sendable {
        /// The socket inherited on fd 0 (spawn-fcgi, systemd socket activation).
        case inherited
        case unix(path: String)
        case tcp(host: String, port: Int)
    }

    public var listen: Listen = .inherited
    public var workers: Int = 4
    public var showHelp = false

    public init() {}

    public static func parse(_ arguments: [String]) throws(ServerOptionsError) -> ServerOptions {
        var options = ServerOptions()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            func value() throws(ServerOptionsError) -> String {
                index += 1
                guard index < arguments.count else { throw ServerOptionsError("\(argument) needs a value") }
                return arguments[index]
            }
            switch argument {
            case "-h", "--help":
                options.showHelp = true
            case "--listen":
                options.listen = try parseListen(try value())
            case "--workers":
                let text = try value()
                guard let count = Int(text), (1...256).contains(count) else {
                    throw ServerOptionsError("--workers must be a whole number from 1 to 256, not '\(text)'")
                }
                options.workers = count
            default:
                throw ServerOptionsError("unknown argument '\(argument)'")
            }
            index += 1
        }
        return options
    }

    static func parseListen(_ text: String) throws(ServerOptionsError) -> Listen {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/"), path.utf8.count < 100 else { throw ServerOptionsError("--listen unix:PATH needs an absolute path under 100 bytes") }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ServerOptionsError("--listen takes unix:/path/to.sock or HOST:PORT, not '\(text)'")
        }
        let host = String(text[..<colon])
        guard !host.isEmpty else { throw ServerOptionsError("--listen HOST:PORT needs a host, e.g. 127.0.0.1:9001") }
        return .tcp(host: host, port: port)
    }

    public static func usage(executable: String, serves: String) -> String {
        """
        USAGE: \(executable) [--listen unix:PATH | --listen HOST:PORT] [--workers N]

        \(serves)

        A FastCGI responder for nginx. Without --listen it serves the socket inherited
        on fd 0 (spawn-fcgi, systemd socket activation).

        OPTIONS:
          --listen unix:PATH   bind a unix socket (mode 0666) at PATH
          --listen HOST:PORT   bind a TCP socket, e.g. 127.0.0.1:9001
          --workers N          pre-forked worker processes (default 4); a worker that
                               dies is restarted, SIGTERM lets in-flight requests finish
          -h, --help           show this help

        ENVIRONMENT:
        \(Configuration.documentation.map { "  \($0.variable.padding(30)) \($0.meaning) (default \($0.defaultValue))" }.joined(separator: "\n"))
        """
    }
}

public struct ServerOptionsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
