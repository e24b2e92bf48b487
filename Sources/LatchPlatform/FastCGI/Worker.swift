import CFastCGI
import Glibc

/// One forked worker: its own database connection and the `FCGX_Accept_r` loop.
///
/// SIGTERM while waiting in accept ends the process at once; while a request is handled it
/// only marks the worker to end once the answer is sent: a request in flight always finishes.
///
/// On a unix socket the connection is closed as soon as the answer is written (the request
/// was read whole): libfcgi's default close first shuts down the sending side and waits for
/// nginx to hang up (shutdown, poll, read, close), which guards a TCP peer against a reset
/// that could destroy the answer in flight. A unix socket delivers everything written before
/// close whatever is left unread, so there the worker skips that wait and its syscalls.
///
/// On a TCP socket with an allow-list (`--allow`), a connection from any other peer is closed
/// unanswered, before its request reaches a handler (README "Deployment behind nginx").
struct Worker<Context> {
    let socket: Int32
    /// The peers this TCP socket answers; nil: no check (unix socket, loopback-only TCP).
    let allow: PeerAllowList?
    let executable: String
    let service: Service<Context>
    let router: Router<Context>
    let metrics: Metrics?

    func run() -> Never {
        guard latch_worker_handle_terminate() == 0 else { _exit(70) }
        let closesAtOnce = Worker.isUnixSocket(socket)

        let settings = service.settings
        var databaseOptions = settings.database
        databaseOptions.applicationName = executable
        let database = Database(connectionString: settings.databaseURL, options: databaseOptions)
        let context = service.makeContext(database)
        let log = RequestLog(executable: executable, slowRequestMilliseconds: settings.slowRequestMilliseconds,
                             threshold: settings.logLevel)
        let processor = RequestProcessor(router: router, context: context, database: database, log: log, metrics: metrics)
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, socket, 0) == 0 else { _exit(70) }
        while true {
            if latch_worker_begin_waiting() != 0 { _exit(0) }
            let accepted = FCGX_Accept_r(&request)
            latch_worker_end_waiting()
            guard accepted >= 0 else { _exit(0) }
            if let allow, !(PeerAllowList.address(of: request.ipcFd, peer: true).map(allow.allows) ?? false) {
                // Not nginx: no answer at all, and no lingering close.
                Log.message("warning", executable, "closed a FastCGI connection from a peer not on the allow-list (--allow)")
                FCGX_Detach(&request)
                FCGX_Free(&request, 1)
                continue
            }
            let response: Response
            let incoming: Request
            var readWhole = false
            switch Worker.readRequest(&request, maxBodyBytes: settings.maxBodyBytes) {
            case .read(let read) where RequestAge.isStale(read.serverVariables[RequestAge.parameter], limitMilliseconds: settings.database.timeoutMilliseconds):
                // Its client has likely given up: answered 503 without touching the database.
                incoming = read
                response = processor.refuse(read, because: .unavailable)
                readWhole = true
            case .read(let read):
                incoming = read
                response = processor.process(read)
                readWhole = true
            case .refused(let refused, let error):
                incoming = refused
                response = processor.refuse(refused, because: error)
            }
            let bytes = processor.serialized(response, for: incoming)
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    _ = FCGX_PutStr($0, Int32(buffer.count), request.out)
                }
            }
            // A detached request's connection is closed without libfcgi's lingering wait.
            if closesAtOnce && readWhole { FCGX_Detach(&request) }
            FCGX_Finish_r(&request)
        }
    }

    /// Whether the listening socket is a unix socket.
    static func isUnixSocket(_ socket: Int32) -> Bool {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return named == 0 && address.ss_family == sa_family_t(AF_UNIX)
    }

    enum Incoming {
        case read(Request)
        /// Refused before the body was read; the request carries no body.
        case refused(Request, HTTPError)
    }

    /// Copies the parameters and body out of libfcgi's buffers. A body larger than the
    /// limit is refused from its declared length, without reading it.
    static func readRequest(_ request: inout FCGX_Request, maxBodyBytes: Int) -> Incoming {
        var parameters: [(String, String)] = []
        parameters.reserveCapacity(48)  // nginx sends 30-40
        var declared = ""
        var uriIsValidUTF8 = true
        if var pointer = request.envp {
            while let entry = pointer.pointee {
                pointer += 1
                // NAME=VALUE, split at the first '=' byte.
                let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry))
                guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<equals]), as: UTF8.self)
                // Decoding repairs invalid UTF-8 with U+FFFD; a URI (path and query) carrying raw
                // bytes that are not UTF-8 is refused rather than repaired.
                if name == "REQUEST_URI" || name == "QUERY_STRING", String(validatingCString: entry) == nil {
                    uriIsValidUTF8 = false
                }
                let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[(equals + 1)...]), as: UTF8.self)
                if name == "CONTENT_LENGTH" { declared = value }
                parameters.append((name, value))
            }
        }
        guard uriIsValidUTF8 else {
            return .refused(Request(parameterPairs: parameters, body: []), .malformed("the request URI is not valid UTF-8"))
        }
        var length = 0
        if !declared.isEmpty {
            guard let value = Int(declared), value >= 0 else {
                return .refused(Request(parameterPairs: parameters, body: []), .malformed("invalid Content-Length"))
            }
            length = value
        }
        guard length <= maxBodyBytes else { return .refused(Request(parameterPairs: parameters, body: []), .payloadTooLarge) }
        var body = [UInt8](repeating: 0, count: length)
        var received = 0
        while received < length {
            let count = body.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + received).withMemoryRebound(to: CChar.self, capacity: length - received) {
                    FCGX_GetStr($0, Int32(length - received), request.in)
                }
            }
            if count <= 0 { break }
            received += Int(count)
        }
        if received < length { body.removeLast(length - received) }
        return .read(Request(parameterPairs: parameters, body: body))
    }
}
