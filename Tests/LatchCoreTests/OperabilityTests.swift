import Glibc
import Testing
@testable import LatchCore
@testable import LatchPlatform

let sampleAccessToken = "lat_0123456789abcdef_" + String(repeating: "A", count: 43)
let sampleRefreshToken = "lrt_fedcba9876543210_" + String(repeating: "b-_", count: 14) + "z"

@Suite struct RedactionTests {
    @Test(arguments: ["code", "state", "password", "refresh_token", "access_token", "client_secret", "clientSecret",
                      "code_verifier", "code_challenge", "state_hash", "secret_hash", "Authorization", "session",
                      "X-Session-Cookie", "registration.access.token", "api_key", "nonce", "error_code"])
    func credentialNames(_ name: String) {
        #expect(Redaction.isCredentialName(name))
    }

    @Test(arguments: ["scope", "reason", "redirect_uri", "grant_type", "token_id", "secret_id", "session_id",
                      "token_type_hint", "token_endpoint_auth_method", "grant_id", "client_name", "applied", "tokenKind"])
    func harmlessNames(_ name: String) {
        #expect(!Redaction.isCredentialName(name))
    }

    @Test func wordsSplitEveryConvention() {
        #expect(Redaction.words(of: "refreshToken") == ["refresh", "token"])
        #expect(Redaction.words(of: "token_endpoint-auth.method") == ["token", "endpoint", "auth", "method"])
        #expect(Redaction.words(of: "") == [])
    }

    @Test func scrubsEveryCredentialShape() {
        #expect(Redaction.containsCredential("Bearer " + sampleAccessToken))
        #expect(Redaction.scrub("/a/" + sampleAccessToken + "/b") == "/a/lat_[redacted]/b")
        #expect(Redaction.scrub(sampleAccessToken + " and " + sampleRefreshToken) == "lat_[redacted] and lrt_[redacted]")
        for kind in Credential.Kind.allCases {
            let value = Credential.mint(kind).value
            #expect(Redaction.scrub("x=" + value) == "x=" + kind.rawValue + "[redacted]")
        }
    }

    @Test func leavesOtherTextAlone() {
        let text = "/oauth2/clients/app-1 lat_short_abc lat_0123456789ABCDEF_" + String(repeating: "A", count: 43)
        #expect(!Redaction.containsCredential(text))
        #expect(Redaction.scrub(text) == text)
    }
}

@Suite struct AuditLogTests {
    @Test func everyEventNameIsUniqueAndDotted() {
        let names = AuditEvent.all.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in ["signin.success", "signin.failure", "consent.allowed", "consent.denied", "code.issued",
                     "code.redeemed", "code.replayed", "refresh.rotated", "refresh.reuse_detected", "grant.revoked",
                     "token.revoked", "client.registered", "client.updated", "client.deleted", "secret.created",
                     "secret.revoked", "user.created", "admin.token_created"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "." || $0 == "_" } })
    }

    @Test func dropsCredentialKeysAndValuesAtAnyDepth() {
        let detail: JSON = [
            "scope": "read write",
            "code": "lac_whatever",
            "state": "xyz",
            "password": "hunter2",
            "token_id": "0123456789abcdef",
            "note": .string("leaked " + sampleAccessToken),
            "client": ["name": "App", "client_secret": "s3cret", "uris": ["https://a.example", .string(sampleRefreshToken)]],
        ]
        let clean = AuditLog.sanitized(detail)
        #expect(clean["scope"] == "read write")
        #expect(clean["token_id"] == "0123456789abcdef")
        for key in ["code", "state", "password", "note"] { #expect(clean[key] == nil, "\(key)") }
        #expect(clean["client"]?["name"] == "App")
        #expect(clean["client"]?["client_secret"] == nil)
        #expect(clean["client"]?["uris"] == nil)
        #expect(clean["redacted"] == ["code", "state", "password", "note", "client.client_secret", "client.uris"])
        let text = clean.serialized
        for secret in ["hunter2", "s3cret", "xyz", sampleAccessToken, sampleRefreshToken] { #expect(!text.contains(secret)) }
    }

    @Test func cleanDetailIsKeptAsIsAndNonObjectsAreWrapped() {
        let detail: JSON = ["scope": "a", "reason": "user"]
        #expect(AuditLog.sanitized(detail) == detail)
        #expect(AuditLog.sanitized(.null) == [:])
        #expect(AuditLog.sanitized("text") == ["value": "text"])
        #expect(AuditLog.sanitized(["redacted": "spoof", "password": "p"]) == ["redacted": ["password"]])
    }

    @Test func insertBindsEveryFieldAndScrubsColumns() {
        let sql = AuditLog.insertStatement(.signInFailed, actor: "alice", userID: 7, clientID: "app-1",
                                           sourceAddress: "192.0.2.1", detail: ["reason": "bad password", "password": "p"])
        #expect(sql.text.contains("INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)"))
        #expect(sql.binds == [.text("signin.failure"), .text("alice"), .text("7"), .text("app-1"), .text("192.0.2.1"),
                              .text(#"{"reason":"bad password","redacted":["password"]}"#)])
        let scrubbed = AuditLog.insertStatement(.tokenRevoked, actor: sampleAccessToken, userID: nil, clientID: nil,
                                                sourceAddress: nil, detail: [:])
        #expect(scrubbed.binds == [.text("token.revoked"), .text("lat_[redacted]"), .null, .null, .null, .text("{}")])
    }

    @Test func longTextIsCapped() {
        let long = String(repeating: "x", count: 5000)
        let clean = AuditLog.sanitized(["client_name": .string(long)])
        #expect(clean["client_name"]?.stringValue?.count == AuditLog.maximumTextLength + 1)
        #expect(AuditLog.cleanText(long).count == AuditLog.maximumTextLength + 1)
    }

    @Test(arguments: [("90s", 90), ("15m", 900), ("1h", 3600), ("7d", 604_800), ("2w", 1_209_600), ("0s", 0)])
    func sinceDurations(_ text: String, _ seconds: Int) {
        #expect(AuditQuery.parseSince(text) == .secondsAgo(seconds))
    }

    @Test(arguments: [("2026-11-23", "2026-11-23T00:00:00Z"), ("2026-11-23T18:00", "2026-11-23T18:00Z"),
                      ("2026-11-23T18:00:05Z", "2026-11-23T18:00:05Z"), ("2026-11-23 18:00:05.25", "2026-11-23 18:00:05.25Z"),
                      ("2026-11-23T18:00:05+01:00", "2026-11-23T18:00:05+01:00"), ("2026-11-23T18:00-0500", "2026-11-23T18:00-0500")])
    func sinceTimes(_ text: String, _ stored: String) {
        #expect(AuditQuery.parseSince(text) == .time(stored))
    }

    @Test(arguments: ["", "1", "h", "1y", "-1h", "yesterday", "now", "2026-11", "2026-11-23T", "2026-11-23T18",
                      "2026-11-23T18:00:", "2026-11-23T18:00:00.", "2026-11-23T18:00Zjunk", "2026-11-23; DROP TABLE users"])
    func sinceRefusesEverythingElse(_ text: String) {
        #expect(AuditQuery.parseSince(text) == nil)
    }
}

@Suite struct RequestLogTests {
    let log = RequestLog(executable: "latch-tokens", slowRequestMilliseconds: 500)

    init() {
        // As every executable sets it before forking (`RouteTable.serve`).
        Log.redaction = Redaction.scrub
    }

    func request(_ uri: String) -> Request {
        Request(parameters: ["REQUEST_METHOD": "POST", "REQUEST_URI": uri, "REMOTE_ADDR": "192.0.2.9",
                             "HTTP_USER_AGENT": "curl/8"], body: Array("code=SECRET".utf8))
    }

    @Test func lineCarriesTheFieldsAndNeverTheQuery() throws {
        var response = OAuthError.invalidGrant("the code is not valid").response
        response.logClientID = "app-1"
        let line = log.line(level: .info, request: request("/oauth2/tokens?code=SECRET&state=S2"), response: response,
                            nanoseconds: 1_234_567, detail: nil, route: "/oauth2/tokens")
        let text = line.serialized
        let parsed = try JSON.parse(Array(text.utf8))
        #expect(parsed["level"] == "info")
        #expect(parsed["executable"] == "latch-tokens")
        #expect(parsed["pid"]?.intValue == Int(getpid()))
        #expect(parsed["method"] == "POST")
        #expect(parsed["path"] == "/oauth2/tokens")
        #expect(parsed["route"] == "/oauth2/tokens")
        #expect(parsed["status"] == 400)
        #expect(parsed["error"] == "invalid_grant")
        #expect(parsed["client_id"] == "app-1")
        #expect(parsed["duration_ms"] == .number(1.235))
        #expect(parsed["slow"] == nil)
        #expect(parsed["remote_addr"] == nil)
        #expect(!text.contains("SECRET") && !text.contains("S2") && !text.contains("?"))
    }

    @Test func credentialsInThePathAndDetailAreRedacted() {
        let text = log.line(level: .error, request: request("/oauth2/clients/" + sampleAccessToken), response: .empty(),
                            nanoseconds: 1, detail: "failed on " + sampleRefreshToken, route: nil).serialized
        #expect(!text.contains(sampleAccessToken) && !text.contains(sampleRefreshToken))
        #expect(text.contains(#""path":"/oauth2/clients/lat_[redacted]""#))
        #expect(text.contains(#""detail":"failed on lrt_[redacted]""#))
    }

    @Test func levels() {
        #expect(log.level(status: 200, nanoseconds: 1_000_000, failed: false) == .info)
        #expect(log.level(status: 400, nanoseconds: 1_000_000, failed: false) == .info)
        #expect(log.level(status: 200, nanoseconds: 500_000_000, failed: false) == .warning)
        #expect(log.level(status: 503, nanoseconds: 1, failed: false) == .error)
        #expect(log.level(status: 500, nanoseconds: 1, failed: true) == .error)
        let never = RequestLog(executable: "x", slowRequestMilliseconds: 0)
        #expect(never.level(status: 200, nanoseconds: 100_000_000_000, failed: false) == .info)
    }

    @Test func slowRequestsAreMarked() {
        let text = log.line(level: .warning, request: request("/oauth2/tokens"), response: .empty(200),
                            nanoseconds: 750_000_000, detail: nil, route: nil).serialized
        #expect(text.contains(#""level":"warning""#) && text.contains(#""slow":true"#))
    }

    @Test func debugAddsAddressAgentAndSizes() throws {
        let debug = RequestLog(executable: "x", threshold: .debug)
        let parsed = try JSON.parse(debug.line(level: .info, request: request("/a"), response: .json(["ok": true]),
                                               nanoseconds: 1, detail: nil, route: nil).bytes)
        #expect(parsed["remote_addr"] == "192.0.2.9")
        #expect(parsed["user_agent"] == "curl/8")
        #expect(parsed["bytes_in"] == 11)
        #expect(parsed["bytes_out"] == 11)
    }

    /// The error code is carried by the response (`OAuthError.response` sets it), never read
    /// back from the body it wrote.
    @Test func errorCodeIsCarriedByTheResponse() throws {
        #expect(OAuthError.invalidClient().response.logErrorCode == "invalid_client")
        var redirect = Response.redirect("https://app.example/cb?error=access_denied")
        func logged(_ response: Response) throws -> JSON {
            try JSON.parse(log.line(level: .info, request: request("/x"), response: response, nanoseconds: 1, detail: nil,
                                    route: nil).bytes)
        }
        #expect(try logged(redirect)["error"] == nil)
        redirect.logErrorCode = "access_denied"
        #expect(try logged(redirect)["error"] == "access_denied")
        #expect(try logged(.json(["error": "not an error"], status: 400))["error"] == nil)
    }

    @Test func annotationsAreNeverSerialized() {
        var response = Response.json(["a": 1])
        response.logClientID = "app-secret-looking"
        response.logErrorCode = "invalid_grant"
        let bytes = String(decoding: response.serialized(), as: UTF8.self)
        #expect(!bytes.contains("app-secret-looking") && !bytes.contains("invalid_grant"))
    }
}

@Suite struct MetricsTests {
    func make(_ patterns: [String] = ["/a", "/b/{id}", "/a"]) throws -> Metrics {
        try #require(Metrics(executable: "latch-test", routePatterns: patterns + MetricsEndpoint.patterns,
                             errorCodes: OAuthError.Code.counted))
    }

    @Test func countsByRouteStatusAndError() throws {
        let metrics = try make()
        metrics.record(route: 0, status: 200, errorCode: nil, nanoseconds: 300_000)
        metrics.record(route: 2, status: 204, errorCode: nil, nanoseconds: 300_000)   // same pattern as route 0
        metrics.record(route: 1, status: 400, errorCode: "invalid_grant", nanoseconds: 2_000_000)
        metrics.record(route: 1, status: 400, errorCode: "made_up_code", nanoseconds: 2_000_000)
        metrics.record(route: nil, status: 404, errorCode: "not_found", nanoseconds: 10)
        metrics.record(route: 1, status: 999, errorCode: nil, nanoseconds: 20_000_000_000)
        #expect(metrics.routeLabels == ["/a", "/b/{id}", "/metrics", "/metrics/{executable}", "unmatched"])
        #expect(metrics.requests(route: "/a", status: "2xx") == 2)
        #expect(metrics.requests(route: "/b/{id}", status: "4xx", error: "invalid_grant") == 1)
        #expect(metrics.requests(route: "/b/{id}", status: "4xx", error: "other") == 1)
        #expect(metrics.requests(route: "unmatched", status: "4xx", error: "not_found") == 1)
        #expect(metrics.requests(route: "/b/{id}", status: "5xx") == 1)

        let text = metrics.exposition()
        #expect(text.contains(#"latch_requests_total{executable="latch-test",route="/a",status="2xx"} 2"#))
        #expect(text.contains(#"latch_requests_total{executable="latch-test",route="/b/{id}",status="4xx",error="invalid_grant"} 1"#))
        #expect(text.contains(#"latch_requests_total{executable="latch-test",route="/b/{id}",status="4xx",error="other"} 1"#))
        #expect(!text.contains("made_up_code"))
        #expect(text.contains(#"latch_request_duration_seconds_bucket{executable="latch-test",route="/a",le="0.00025"} 0"#))
        #expect(text.contains(#"latch_request_duration_seconds_bucket{executable="latch-test",route="/a",le="0.0005"} 2"#))
        #expect(text.contains(#"latch_request_duration_seconds_bucket{executable="latch-test",route="/b/{id}",le="0.0025"} 2"#))
        #expect(text.contains(#"latch_request_duration_seconds_bucket{executable="latch-test",route="/b/{id}",le="10"} 2"#))
        #expect(text.contains(#"latch_request_duration_seconds_bucket{executable="latch-test",route="/b/{id}",le="+Inf"} 3"#))
        #expect(text.contains(#"latch_request_duration_seconds_count{executable="latch-test",route="/b/{id}"} 3"#))
        #expect(text.contains(#"latch_request_duration_seconds_sum{executable="latch-test",route="/a"} 0.0006"#))
        #expect(!text.contains(#"route="/metrics""#))   // nothing counted there: no series
    }

    @Test func everySampleLineIsWellFormed() throws {
        let metrics = try make()
        metrics.record(route: 0, status: 200, errorCode: nil, nanoseconds: 1)
        metrics.setWorkers(alive: 3, configured: 4)
        metrics.countWorkerRestart()
        metrics.addDatabaseReconnects(2)
        metrics.addDatabaseStatements(5)
        metrics.addDatabaseStatements(1)
        let text = metrics.exposition()
        #expect(text.contains(#"latch_workers_alive{executable="latch-test"} 3"#))
        #expect(text.contains(#"latch_workers_configured{executable="latch-test"} 4"#))
        #expect(text.contains(#"latch_worker_restarts_total{executable="latch-test"} 1"#))
        #expect(text.contains(#"latch_database_reconnects_total{executable="latch-test"} 2"#))
        #expect(text.contains(#"latch_database_statements_total{executable="latch-test"} 6"#))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2, "\(line)")
            #expect(parts[0].hasPrefix("latch_") && parts[0].hasSuffix("}"), "\(line)")
            #expect(Double(parts[1]) != nil, "\(line)")
        }
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }
        #expect(types.count == 7)
    }

    @Test func labelValuesAreEscaped() {
        #expect(Metrics.escape(#"a"b\c"# + "\n") == #"a\"b\\c\n"#)
        #expect(Metrics.format(1) == "1")
        #expect(Metrics.format(0.0005) == "0.0005")
    }

    @Test func countsFromForkedProcessesAddUp() throws {
        let metrics = try make()
        metrics.record(route: 0, status: 200, errorCode: nil, nanoseconds: 1)
        var children: [pid_t] = []
        for _ in 0..<3 {
            let pid = fork()
            if pid == 0 {
                for _ in 0..<1000 { metrics.record(route: 0, status: 200, errorCode: nil, nanoseconds: 1) }
                _exit(0)
            }
            children.append(pid)
        }
        for pid in children {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        #expect(metrics.requests(route: "/a", status: "2xx") == 3001)
    }
}

@Suite struct MetricsEndpointTests {
    @Test func servesTheExpositionUnderItsOwnNameOnly() throws {
        let metrics = try #require(Metrics(executable: "latch-tokens", routePatterns: MetricsEndpoint.patterns,
                                           errorCodes: OAuthError.Code.counted))
        let router = Router(merging: [MetricsEndpoint.routes(metrics)], errorStyle: RouteTable.errorStyle)
        let context = Context(configuration: Configuration(databaseURL: "", issuer: "https://a.example"),
                              database: Database(connectionString: ""), executable: "latch-tokens")
        for path in ["/metrics", "/metrics/tokens", "/metrics/latch-tokens"] {
            let response = try router.handle(Request(method: "GET", path: path), context: context)
            #expect(response.status == 200, "\(path)")
            #expect(response.header("Content-Type") == Metrics.contentType)
            #expect(String(decoding: response.body, as: UTF8.self).contains("latch_workers_alive"))
        }
        #expect(throws: HTTPError.notFound) { try router.handle(Request(method: "GET", path: "/metrics/register"), context: context) }
        #expect(try router.handle(Request(method: "POST", path: "/metrics"), context: context).status == 405)
    }
}

@Suite struct OperabilityConfigurationTests {
    let minimal = ["LATCH_DATABASE_URL": "dbname=latch", "LATCH_ISSUER": "https://auth.example.com"]

    @Test func defaults() throws {
        let c = try Configuration.fromEnvironment(minimal)
        #expect(c.logLevel == .info)
        #expect(c.slowRequestMilliseconds == 500)
        #expect(c.metricsEnabled)
    }

    @Test func readsEachSetting() throws {
        var env = minimal
        env["LATCH_LOG_LEVEL"] = "WARNING"
        env["LATCH_SLOW_REQUEST_MS"] = "0"
        env["LATCH_METRICS"] = "off"
        let c = try Configuration.fromEnvironment(env)
        #expect(c.logLevel == .warning)
        #expect(c.slowRequestMilliseconds == 0)
        #expect(!c.metricsEnabled)
    }

    @Test func namesEachBadSetting() {
        var env = minimal
        env["LATCH_LOG_LEVEL"] = "verbose"
        env["LATCH_SLOW_REQUEST_MS"] = "-1"
        env["LATCH_METRICS"] = "maybe"
        do {
            _ = try Configuration.fromEnvironment(env)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 3)
            for name in ["LATCH_LOG_LEVEL", "LATCH_SLOW_REQUEST_MS", "LATCH_METRICS"] { #expect(error.description.contains(name)) }
        }
    }
}
