/// The one catch site: turns a request into a response, whatever goes wrong.
/// An error answers as it renders itself (`ResponseError`); the request layer's own failures
/// (`HTTPError`) and faults (a `DatabaseError`, anything unexpected) as the route's
/// `ErrorStyle` words them. What caused an error goes to the log, never to the client.
/// Every request, answered or refused, is logged once and counted once in the metrics.
public final class RequestProcessor<Context> {
    public let router: Router<Context>
    public let context: Context
    /// This worker's connection, whose counters the metrics follow.
    public let database: Database
    public let log: RequestLog
    public let metrics: Metrics?
    /// Connections this worker's `Database` had opened, and statements it had sent, when last
    /// looked at.
    private var connectionsSeen = 0
    private var statementsSeen = 0

    public init(router: Router<Context>, context: Context, database: Database, log: RequestLog, metrics: Metrics? = nil) {
        self.router = router
        self.context = context
        self.database = database
        self.log = log
        self.metrics = metrics
    }

    public func process(_ request: Request) -> Response {
        let started = Clock.monotonicNanoseconds()
        var response: Response
        var detail: String?
        var route: Int?
        do {
            response = try router.handle(request, context: context, matchedRoute: &route)
        } catch {
            (response, detail) = answer(error, to: request)
        }
        if request.method == "HEAD" { response.body = [] }
        finish(request, response, route: route, started: started, detail: detail)
        return response
    }

    /// The answer to an error a handler threw, and what the log says of its cause.
    func answer(_ error: any Error, to request: Request) -> (Response, String?) {
        switch error {
        case let error as any ResponseError:
            return (error.response(for: request), error.cause.map(RequestProcessor.describe))
        case let error as HTTPError:
            return (router.errorStyle(request.path).response(for: error, to: request), nil)
        case let error as DatabaseError:
            let failure: HTTPError = if case .unavailable = error { .unavailable } else { .internalError }
            return (router.errorStyle(request.path).response(for: failure, to: request), error.description)
        default:
            return (router.errorStyle(request.path).response(for: .internalError, to: request), RequestProcessor.describe(error))
        }
    }

    /// A cause for the log: its own description (a `DatabaseError` names its SQLSTATE), else
    /// the value as Swift prints it.
    static func describe(_ error: any Error) -> String {
        (error as? CustomStringConvertible)?.description ?? String(describing: error)
    }

    /// A request refused before a handler saw it (e.g. a body over the limit: `413`), worded
    /// as the path's routes word the request layer's failures.
    public func refuse(_ request: Request, because error: HTTPError) -> Response {
        let started = Clock.monotonicNanoseconds()
        let response = router.errorStyle(request.path).response(for: error, to: request)
        finish(request, response, route: router.route(for: request.path)?.0, started: started, detail: nil)
        return response
    }

    /// The bytes to send: the response's, or, when a header value cannot be sent (CR, LF or
    /// NUL), the path's `400`.
    public func serialized(_ response: Response, for request: Request) -> [UInt8] {
        guard response.hasUnsendableHeader else { return response.serialized() }
        return router.errorStyle(request.path).response(for: .unsendableResponse, to: request).serialized()
    }

    private func finish(_ request: Request, _ response: Response, route: Int?, started: UInt64, detail: String?) {
        let nanoseconds = Clock.monotonicNanoseconds() - started
        log.record(request: request, response: response, nanoseconds: nanoseconds, detail: detail,
                   route: route.map { router.routes[$0].pattern })
        guard let metrics else { return }
        metrics.record(route: route, status: response.status, errorCode: response.logErrorCode, nanoseconds: nanoseconds)
        // The first connection is not a reconnect; every later one is.
        let connections = database.reconnects
        if connections != connectionsSeen {
            metrics.addDatabaseReconnects(connections - connectionsSeen - (connectionsSeen == 0 ? 1 : 0))
            connectionsSeen = connections
        }
        let statements = database.statementsSent
        metrics.addDatabaseStatements(statements - statementsSeen)
        statementsSeen = statements
    }
}
