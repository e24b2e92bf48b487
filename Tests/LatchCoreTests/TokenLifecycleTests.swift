import Testing
@testable import LatchCore

/// The parts of the token lifecycle that need no database: routing of the shared
/// `/oauth2/tokens` path, the introspection document, and requests refused before any query.
/// (Everything that touches PostgreSQL is covered by Tests/integration against the real stack.)
@Suite struct TokenLifecycleTests {
    /// A context whose database is unreachable: a handler that queried it would answer 503.
    static func offlineContext() -> Context {
        Context(configuration: Configuration(databaseURL: "host=/nonexistent port=1", issuer: "https://auth.example"),
                database: Database(connectionString: "host=/nonexistent port=1 connect_timeout=1"), executable: "test")
    }

    static let router = RouteTable.tokens.router

    static func form(_ method: String, _ path: String, query: String = "", body: String = "",
                     headers: [String: String] = [:]) -> Request {
        var headers = headers
        if !body.isEmpty { headers["content-type"] = "application/x-www-form-urlencoded" }
        return Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }

    static func respond(_ request: Request) -> Response {
        let context = offlineContext()
        return RequestProcessor(router: router, context: context, database: context.database, log: RequestLog(executable: "test"))
            .process(request)
    }

    static func error(of response: Response) -> String? {
        (try? JSON.parse(response.body))?["error"]?.stringValue
    }

    @Test func mergedRoutesServeEveryMethodOfASharedPath() throws {
        let tokens = try #require(Self.router.routes.first { $0.pattern == "/oauth2/tokens" })
        #expect(Set(tokens.handlers.keys) == ["POST", "DELETE"])
        #expect(Self.router.routes.filter { $0.pattern == "/oauth2/tokens" }.count == 1)
        let response = Self.respond(Self.form("PUT", "/oauth2/tokens"))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "DELETE, POST")
    }

    /// Requests refused from their shape alone: the answer comes before any query (the
    /// database here is unreachable, so a query would have answered 503).
    @Test(arguments: [
        ("POST", "/oauth2/revoke", "", "token=a&token=b", [String: String](), 400, "invalid_request"),
        ("POST", "/oauth2/revoke", "", "token=a", [:], 401, "invalid_client"),
        ("POST", "/oauth2/revoke", "", "token=a", ["authorization": "Bearer x"], 401, "invalid_client"),
        ("POST", "/oauth2/introspect", "", "token=a&token=a", [:], 400, "invalid_request"),
        ("POST", "/oauth2/introspect", "", "token=a", [:], 401, "invalid_client"),
        ("DELETE", "/oauth2/tokens", "", "", [:], 400, "invalid_request"),
        ("DELETE", "/oauth2/tokens", "client_id=a&client_id=b", "", [:], 400, "invalid_request"),
        ("DELETE", "/oauth2/tokens", "client_id=a&access_token=lat_x", "", [:], 400, "invalid_request"),
        ("DELETE", "/oauth2/tokens", "client_id=a", "access_token=lat_x", [:], 400, "invalid_request"),
        ("DELETE", "/oauth2/tokens", "client_id=%zz", "", [:], 400, "invalid_request"),
        ("DELETE", "/oauth2/tokens", "client_id=a", "", ["authorization": "Basic eDp5"], 401, "invalid_request"),
        ("GET", "/oauth2/check", "access_token=lat_x", "", [:], 401, "invalid_request"),
    ])
    func refusedBeforeAnyQuery(_ method: String, _ path: String, _ query: String, _ body: String,
                               _ headers: [String: String], _ status: Int, _ error: String) {
        let response = Self.respond(Self.form(method, path, query: query, body: body, headers: headers))
        #expect(response.status == status)
        #expect(Self.error(of: response) == error)
    }

    @Test func introspectionOfAUsersAccessToken() {
        let token = TokenInfo(id: "0123456789abcdef", kind: .access, grantID: "g_1", clientID: "app_1", userID: 42,
                              username: "alice", scope: "read write", audience: nil, clientVerified: true, issuedAt: 1000, expiresAt: 4600)
        let document = IntrospectionEndpoint.description(of: token, issuer: "https://auth.example", own: "https://auth.example")
        #expect(document.serialized == """
            {"active":true,"scope":"read write","client_id":"app_1","username":"alice","sub":"42","aud":"https://auth.example",\
            "iss":"https://auth.example","exp":4600,"iat":1000,"token_type":"Bearer"}
            """)
    }

    @Test func introspectionOfAClientCredentialsTokenAndOfARefreshToken() {
        let service = TokenInfo(id: "0123456789abcdef", kind: .access, grantID: "g_2", clientID: "app_svc", userID: nil,
                                username: nil, scope: "", audience: "https://api.example", clientVerified: true, issuedAt: 1, expiresAt: 2)
        let document = IntrospectionEndpoint.description(of: service, issuer: "https://auth.example", own: "https://auth.example")
        #expect(document["sub"]?.stringValue == "app_svc")
        #expect(document["aud"]?.stringValue == "https://api.example")
        #expect(document["username"] == nil)
        let refresh = TokenInfo(id: "0123456789abcdef", kind: .refresh, grantID: "g_3", clientID: "app_1", userID: 7,
                                username: "bob", scope: "read", audience: nil, clientVerified: false, issuedAt: 1, expiresAt: 2)
        #expect(IntrospectionEndpoint.description(of: refresh, issuer: "https://auth.example", own: "https://auth.example")["token_type"]?.stringValue
                == "refresh_token")
        #expect(IntrospectionEndpoint.inactive.serialized == #"{"active":false}"#)
    }
}
