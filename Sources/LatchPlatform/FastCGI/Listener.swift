import CFastCGI
import Glibc

struct ListenerError: Error, CustomStringConvertible {
    let description: String
}

/// Opens the listening socket before any worker is forked (README "Deployment behind nginx").
///
/// - A unix socket is created mode `0660` (the umask is narrowed around `bind`, so it is never
///   world-writable, not even for a moment) and given the `--socket-group` group.
/// - A TCP socket without an allow-list may bind only a loopback address; with one, every
///   worker closes connections from other peers unanswered (`Worker`), and libfcgi, told the
///   same list through `FCGI_WEB_SERVER_ADDRS`, already closes IPv4 ones before reading a byte.
/// - An inherited socket (fd 0) obeys the same rules by what it turns out to be.
enum Listener {
    struct Listening {
        let socket: Int32
        /// The peers a TCP socket answers; nil for a unix socket or a loopback TCP socket
        /// without a list.
        let allow: PeerAllowList?
    }

    static func open(_ options: ServerOptions) throws(ListenerError) -> Listening {
        switch options.listen {
        case .inherited:
            var type: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else {
                throw ListenerError(description: "fd 0 is not a socket: start under spawn-fcgi or systemd socket activation, or pass --listen")
            }
            return try checkedTCP(0, options: options, name: "the inherited socket (fd 0)")
        case .unix(let path):
            try lockAgainstSecondStart(socketPath: path)
            var gid: gid_t?
            if let name = options.socketGroup {
                guard let group = getgrnam(name) else { throw ListenerError(description: "--socket-group: no group named '\(name)'") }
                gid = group.pointee.gr_gid
            }
            let previous = umask(0o117)
            let socket = FCGX_OpenSocket(path, 1024)
            umask(previous)
            guard socket >= 0 else { throw ListenerError(description: "cannot listen on unix:\(path)") }
            if let gid, chown(path, uid_t.max, gid) != 0 {
                throw ListenerError(description: "cannot give unix:\(path) the group '\(options.socketGroup ?? "")' (errno \(errno)): run as root or as a member of that group")
            }
            // nginx's worker user reaches it through the group, nobody else at all.
            guard chmod(path, 0o660) == 0 else { throw ListenerError(description: "cannot set the mode of unix:\(path)") }
            return Listening(socket: socket, allow: nil)
        case .tcp(let host, let port):
            if options.allow.isEmpty && !isLoopbackHost(host) {
                throw refusal("\(host):\(port)")
            }
            let socket = FCGX_OpenSocket("\(host):\(port)", 1024)
            guard socket >= 0 else { throw ListenerError(description: "cannot listen on \(host):\(port)") }
            return try checkedTCP(socket, options: options, name: "\(host):\(port)")
        }
    }

    /// A TCP socket's allow-list; without one, the socket must be bound to loopback.
    static func checkedTCP(_ socket: Int32, options: ServerOptions, name: String) throws(ListenerError) -> Listening {
        guard let bound = PeerAllowList.address(of: socket, peer: false) else { return Listening(socket: socket, allow: nil) }
        if !options.allow.isEmpty { return Listening(socket: socket, allow: options.allow) }
        guard PeerAllowList.isLoopback(bound) else { throw refusal(name) }
        return Listening(socket: socket, allow: nil)
    }

    static func refusal(_ name: String) -> ListenerError {
        ListenerError(description: """
            refusing to serve FastCGI on \(name) without an allow-list: anyone who reaches it could forge \
            REMOTE_ADDR and every other parameter. Bind a loopback address (127.0.0.1:PORT), or name the nginx \
            hosts that may connect with --allow ADDR,… (or FCGI_WEB_SERVER_ADDRS)
            """)
    }

    /// `localhost`, `127.x.y.z`, `::1` or `[::1]`.
    static func isLoopbackHost(_ host: String) -> Bool {
        if host == "localhost" { return true }
        guard let bytes = PeerAllowList.bytes(of: host) else { return false }
        return PeerAllowList.isLoopback(bytes)
    }

    /// `FCGX_OpenSocket` removes an existing socket file even while a live server uses it:
    /// hold an exclusive lock on `PATH.lock` for as long as this process lives.
    static func lockAgainstSecondStart(socketPath: String) throws(ListenerError) {
        let lockPath = socketPath + ".lock"
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ListenerError(description: "cannot open \(lockPath)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw ListenerError(description: "another process already serves unix:\(socketPath) (lock \(lockPath) is held)")
        }
        // Deliberately kept open: the lock lasts until the process exits.
    }
}
