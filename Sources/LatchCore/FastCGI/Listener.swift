import CFastCGI
import Glibc

struct ListenerError: Error, CustomStringConvertible {
    let description: String
}

/// Opens the listening socket before any worker is forked.
enum Listener {
    static func open(_ listen: ServerOptions.Listen) throws(ListenerError) -> Int32 {
        switch listen {
        case .inherited:
            var type: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else {
                throw ListenerError(description: "fd 0 is not a socket: start under spawn-fcgi or systemd socket activation, or pass --listen")
            }
            return 0
        case .unix(let path):
            try lockAgainstSecondStart(socketPath: path)
            let socket = FCGX_OpenSocket(path, 1024)
            guard socket >= 0 else { throw ListenerError(description: "cannot listen on unix:\(path)") }
            // nginx workers run as another user: let them connect.
            chmod(path, 0o666)
            return socket
        case .tcp(let host, let port):
            let socket = FCGX_OpenSocket("\(host):\(port)", 1024)
            guard socket >= 0 else { throw ListenerError(description: "cannot listen on \(host):\(port)") }
            return socket
        }
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
