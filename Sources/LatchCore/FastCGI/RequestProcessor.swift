/// The one catch site: turns a request into a response, whatever goes wrong.
/// Internal detail goes to the log, never to the client.
public struct RequestProcessor {
    public let router: Router
    public let context: Context
    public let log: RequestLog

    public init(router: Router, context: Context, log: RequestLog) {
        self.router = router
        self.context = context
        self.log = log
    }

    public func process(_ request: Request) -> Response {
        let started = Clock.monotonicNanoseconds()
        var response: Response
        var detail: String?
        do {
            response = try router.handle(request, context: context)
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
        log.record(request: request, response: response, nanoseconds: Clock.monotonicNanoseconds() - started, detail: detail)
        return response
    }
}
