import Testing
@testable import LatchCore
@testable import LatchPlatform

/// How errors reach the wire: each renders itself (`ResponseError`) or, for the request
/// layer's own failures, as its route's `ErrorStyle` words them; a cause is logged, never sent.
@Suite struct ErrorFlowTests {
    static func processor(_ routes: [LatchCore.Route]) -> RequestProcessor<Context> {
        let context = TokenLifecycleTests.offlineContext()
        return RequestProcessor(router: Router(merging: [routes], errorStyle: RouteTable.errorStyle), context: context,
                                database: context.database, log: RequestLog(executable: "test"))
    }

    static func failing(_ path: String, _ error: any Error & Sendable) -> LatchCore.Route {
        LatchCore.Route(path, ["GET": { _, _ in throw error }])
    }

    @Test func persistingConflictsAnswer503AndLogTheirSQLState() throws {
        let conflict = ConflictsPersisted(attempts: 4, lastFailure: .statement(sqlState: "40001", message: "could not serialize"))
        let processor = Self.processor([Self.failing("/a", conflict)])
        let (response, detail) = processor.answer(conflict, to: Request(method: "GET", path: "/a"))
        #expect(response.status == 503 && response.header("Retry-After") == "1")
        #expect(response.logErrorCode == "temporarily_unavailable")
        #expect(try JSON.parse(response.body)["error_description"] == "the service is temporarily unavailable; try again shortly")
        #expect(detail?.contains("40001") == true)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("40001"))
    }

    @Test func anOAuthErrorKeepsItsCauseForTheLogOnly() {
        let error = OAuthError.serverError.causedBy(DatabaseError.statement(sqlState: "XX000", message: "secret detail"))
        let (response, detail) = Self.processor([]).answer(error, to: Request(method: "GET", path: "/a"))
        #expect(response.status == 500 && detail?.contains("XX000") == true)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("secret detail"))
    }

    /// Bad input the request layer refuses: OAuth JSON on the API, an HTML page on the pages.
    @Test(arguments: [("/oauth2/tokens", "application/json"), ("/login", "text/html; charset=utf-8"),
                      ("/admin/apps", "text/html; charset=utf-8"), ("/oauth2/register", "application/json")])
    func refusalsAreWordedByTheRoute(_ path: String, _ type: String) throws {
        let processor = Self.processor([])
        let tooLarge = processor.refuse(Request(method: "POST", path: path), because: HTTPError.payloadTooLarge)
        #expect(tooLarge.status == 413 && tooLarge.header("Content-Type") == type)
        let duplicate = processor.refuse(Request(method: "POST", path: path), because: HTTPError.duplicateParameter("a"))
        #expect(duplicate.status == 400)
        #expect(String(decoding: duplicate.body, as: UTF8.self).contains("parameter &#39;a&#39; was given more than once")
                || (try? JSON.parse(duplicate.body))?["error_description"] == "parameter 'a' was given more than once")
    }

    @Test func anUnknownPathIsA404WordedByTheRoute() throws {
        let processor = Self.processor([])
        let api = processor.process(Request(method: "GET", path: "/oauth2/nothing"))
        #expect(api.status == 404)
        #expect(try JSON.parse(api.body)["error"] == "not_found")
        let page = processor.process(Request(method: "GET", path: "/account/nothing"))
        #expect(page.status == 404 && page.header("Content-Type") == "text/html; charset=utf-8")
    }

    @Test func aHeaderThatCannotBeSentBecomesTheRoutes400() throws {
        let processor = Self.processor([])
        let bad = Response.redirect("https://a.example/\r\nSet-Cookie: x=1")
        let text = String(decoding: processor.serialized(bad, for: Request(method: "GET", path: "/oauth2/authorize")), as: UTF8.self)
        #expect(text.hasPrefix("Status: 400") && text.contains("invalid_request") && !text.contains("Set-Cookie"))
    }

    @Test func repeatedParametersAreRefusedByTheRequestLayer() {
        #expect(throws: HTTPError.duplicateParameter("b")) { try Parameters([("a", "1"), ("b", "2"), ("b", "3")]).requireUniqueNames() }
        #expect(throws: Never.self) { try Parameters([("a", "1"), ("b", "2")]).requireUniqueNames() }
    }
}
