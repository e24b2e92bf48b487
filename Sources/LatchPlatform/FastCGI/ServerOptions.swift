/// Command-line options every FastCGI executable shares.
///
/// README "Deployment behind nginx": a unix socket latch binds is mode `0660` with the group
/// of `--socket-group` (or `LATCH_SOCKET_GROUP`); a TCP listener takes the peers allowed to
/// speak FastCGI from `--allow` (or `FCGI_WEB_SERVER_ADDRS`, as libfcgi names it), and without
/// such a list it may bind only a loopback address (`Listener` refuses anything else).
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
    /// The group of a unix socket latch binds (nil: the process's own group).
    public var socketGroup: String?
    /// The peer addresses a TCP listener answers (empty: loopback binds only).
    public var allow: PeerAllowList = PeerAllowList()

    public init() {}

    /// `--socket-group` and `--allow` given on the command line win over `LATCH_SOCKET_GROUP`
    /// and `FCGI_WEB_SERVER_ADDRS`.
    public func applyingEnvironment(_ environment: [String: String]) throws(ServerOptionsError) -> ServerOptions {
        var options = self
        if options.socketGroup == nil, let group = environment["LATCH_SOCKET_GROUP"], !group.isEmpty { options.socketGroup = group }
        if options.allow.isEmpty, let list = environment["FCGI_WEB_SERVER_ADDRS"], !list.isEmpty {
            options.allow = try PeerAllowList.parse(list, source: "FCGI_WEB_SERVER_ADDRS")
        }
        return options
    }

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
            case "--socket-group":
                let group = try value()
                guard !group.isEmpty, group.utf8.count <= 64 else { throw ServerOptionsError("--socket-group needs a group name") }
                options.socketGroup = group
            case "--allow":
                options.allow = try PeerAllowList.parse(try value(), source: "--allow")
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

    public static func usage(executable: String, serves: String, environment: String) -> String {
        """
        USAGE: \(executable) [--listen unix:PATH [--socket-group NAME] | --listen HOST:PORT [--allow ADDR,…]] [--workers N]

        \(serves)

        A FastCGI responder for nginx. Without --listen it serves the socket inherited
        on fd 0 (spawn-fcgi, systemd socket activation).

        OPTIONS:
          --listen unix:PATH   bind a unix socket at PATH, mode 0660 (never world-writable)
          --socket-group NAME  the unix socket's group: give it to nginx's worker user and no
                               one else (default LATCH_SOCKET_GROUP, else this process's group)
          --listen HOST:PORT   bind a TCP socket, e.g. 127.0.0.1:9001; without --allow only a
                               loopback address may be bound
          --allow ADDR,…       the only peers (nginx hosts, IPv4 or IPv6 addresses) a TCP
                               socket answers; others are closed unanswered (default
                               FCGI_WEB_SERVER_ADDRS)
          --workers N          pre-forked worker processes (default 4); a worker that
                               dies is restarted, SIGTERM lets in-flight requests finish
          -h, --help           show this help

        ENVIRONMENT:
        \(environment)
        """
    }
}

public struct ServerOptionsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
