/// The one catch site: turns a request into a response, whatever goes wrong.
/// Internal detail goes to the log, never to the client. Every request, answered or
/// refused, is logged once and counted once in the metrics.
public final class RequestProcessor {
    public let router: Router
    public let context: Context
    public let log: RequestLog
    public let metrics: Metrics?
    /// Connections this worker's `Database` had opened, and statements it had sent, when last
    /// looked at.
    private var connectionsSeen = 0
    private var statementsSeen = 0

    public init(router: Router, context: Context, log: RequestLog, metrics: Metrics? = nil) {
        self.router = router
        self.context = context
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
        } catch let error as OAuthError {
            response = error.response
        } catch let error as HTTPError {
            response = OAuthError(error).response
        } catch let error as DatabaseError {
            if case .unavailable = error {
                response = OAuthError.temporarilyUnavailable.response
            } else {
                response = OAuthError.serverError.response
            }
            detail = error.description
        } catch {
            response = OAuthError.serverError.response
            detail = String(describing: error)
        }
        if request.method == "HEAD" { response.body = [] }
        finish(request, response, route: route, started: started, detail: detail)
        return response
    }

    /// A request refused before a handler saw it (e.g. a body over the limit: `413`): a JSON
    /// OAuth error, or an HTML page on the browser pages (CONTRACT "Errors and bad input").
    public func refuse(_ request: Request, because error: HTTPError) -> Response {
        let started = Clock.monotonicNanoseconds()
        let response = Self.isBrowserPage(request.path) ? ErrorPage.response(for: OAuthError(error)) : OAuthError(error).response
        finish(request, response, route: router.route(for: request.path)?.0, started: started, detail: nil)
        return response
    }

    /// The paths people open in a browser: sign-in and sign-out, the authorization endpoint's
    /// pages, the account and admin pages, the home page and the demo callback.
    static func isBrowserPage(_ path: String) -> Bool {
        ["/", "/login", "/logout", "/oauth2/authorize", "/account", "/admin", "/demo/callback"].contains(path)
            || path.hasPrefix("/account/") || path.hasPrefix("/admin/")
    }

    private func finish(_ request: Request, _ response: Response, route: Int?, started: UInt64, detail: String?) {
        let nanoseconds = Clock.monotonicNanoseconds() - started
        log.record(request: request, response: response, nanoseconds: nanoseconds, detail: detail,
                   route: route.map { router.routes[$0].pattern })
        guard let metrics else { return }
        metrics.record(route: route, status: response.status, errorCode: RequestLog.errorCode(of: response), nanoseconds: nanoseconds)
        // The first connection is not a reconnect; every later one is.
        let connections = context.database.reconnects
        if connections != connectionsSeen {
            metrics.addDatabaseReconnects(connections - connectionsSeen - (connectionsSeen == 0 ? 1 : 0))
            connectionsSeen = connections
        }
        let statements = context.database.statementsSent
        metrics.addDatabaseStatements(statements - statementsSeen)
        statementsSeen = statements
    }
}
