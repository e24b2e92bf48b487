import Testing
@testable import LatchCore
@testable import LatchPlatform

/// README "Deployment behind nginx": start-up rules for the issuer, `REMOTE_USER` and the demo
/// page, and the listener options.
@Suite struct BoundaryConfigurationTests {
    let minimal = ["LATCH_DATABASE_URL": "dbname=latch", "LATCH_ISSUER": "https://auth.example.com"]
    let secret = String(repeating: "a1", count: 32)

    func problems(_ environment: [String: String], files: [String: String] = [:]) -> [String] {
        do {
            _ = try Configuration.fromEnvironment(environment, readFile: { files[$0] })
            return []
        } catch {
            return error.problems
        }
    }

    @Test(arguments: ["http://auth.example.com", "http://10.0.0.5:8080", "http://127.example.com"])
    func plainHTTPIssuerOffLoopbackIsRefused(_ issuer: String) {
        var environment = minimal
        environment["LATCH_ISSUER"] = issuer
        #expect(problems(environment).contains { $0.contains("LATCH_ISSUER") && $0.contains("https") })
        environment["LATCH_ALLOW_INSECURE_ISSUER"] = "true"
        #expect(problems(environment).isEmpty)
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://auth.example.com"])
    func loopbackOrHTTPSIssuersAreFine(_ issuer: String) {
        var environment = minimal
        environment["LATCH_ISSUER"] = issuer
        #expect(problems(environment).isEmpty)
    }

    @Test func trustingRemoteUserNeedsAFrontSecret() throws {
        var environment = minimal
        environment["LATCH_TRUST_REMOTE_USER"] = "true"
        #expect(problems(environment).contains { $0.contains("LATCH_FRONT_SECRET_FILE") })
        environment["LATCH_FRONT_SECRET_FILE"] = "/etc/latch/front-secret"
        #expect(problems(environment).contains { $0.contains("cannot be read") })
        #expect(problems(environment, files: ["/etc/latch/front-secret": "short\n"]).contains { $0.contains("32 to 1024") })
        #expect(problems(environment, files: ["/etc/latch/front-secret": secret + "\"x\n"]).contains { $0.contains("quotes") })
        let configuration = try Configuration.fromEnvironment(environment, readFile: { _ in " \(self.secret)\n" })
        #expect(configuration.trustRemoteUser && configuration.frontSecret == secret)
    }

    @Test func remoteUserCountsOnlyWithTheFrontSecret() throws {
        var configuration = Configuration(databaseURL: "x", issuer: "https://auth.example.com")
        configuration.trustRemoteUser = true
        configuration.frontSecret = secret
        var request = Request(method: "GET", path: "/login", headers: [RemoteUser.header: "alice"])
        #expect(RemoteUser.trustedName(request, configuration) == nil)
        request.frontSecret = String(secret.dropLast()) + "b"
        #expect(RemoteUser.trustedName(request, configuration) == nil)
        request.frontSecret = secret
        #expect(RemoteUser.trustedName(request, configuration) == "alice")
        configuration.trustRemoteUser = false
        #expect(RemoteUser.trustedName(request, configuration) == nil)
    }

    @Test func theFrontSecretArrivesOnlyAsAFastCGIParameter() {
        let fromHeader = Request(parameters: ["HTTP_LATCH_FRONT_SECRET": secret, "REMOTE_USER": "bob"], body: [])
        #expect(fromHeader.frontSecret == nil)
        let fromNginx = Request(parameters: ["LATCH_FRONT_SECRET": secret], body: [])
        #expect(fromNginx.frontSecret == secret)
    }

    @Test func demoIsOffByDefault() throws {
        #expect(try Configuration.fromEnvironment(minimal).demo == false)
        var environment = minimal
        environment["LATCH_DEMO"] = "true"
        #expect(try Configuration.fromEnvironment(environment).demo)
        environment["LATCH_DEMO"] = "maybe"
        #expect(problems(environment).contains { $0.contains("LATCH_DEMO") })
    }

    @Test func documentedVariables() {
        let names = Set(Configuration.documentation.map(\.variable))
        #expect(names.isSuperset(of: ["LATCH_FRONT_SECRET_FILE", "LATCH_ALLOW_INSECURE_ISSUER", "LATCH_DEMO"]))
    }
}

@Suite struct ListenerOptionTests {
    @Test func allowListAndSocketGroup() throws {
        let options = try ServerOptions.parse(["--listen", "10.0.0.1:9001", "--allow", "10.0.0.5, fd00::5,::ffff:10.0.0.6",
                                               "--socket-group", "latch-fcgi"])
        #expect(options.socketGroup == "latch-fcgi")
        #expect(options.allow.allows([10, 0, 0, 5]) && options.allow.allows([10, 0, 0, 6]))
        #expect(!options.allow.allows([10, 0, 0, 7]))
        #expect(options.allow.allows([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]))
        // An IPv4-mapped IPv6 peer is its IPv4 address.
        #expect(options.allow.allows([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 5]))
        #expect(options.allow.libfcgiList == "10.0.0.5,10.0.0.6")
    }

    @Test(arguments: ["nginx.example", "", "10.0.0.300", "10.0.0.5/24"])
    func badAllowLists(_ list: String) {
        #expect(throws: ServerOptionsError.self) { try ServerOptions.parse(["--allow", list]) }
    }

    @Test func environmentFallbacks() throws {
        let environment = ["FCGI_WEB_SERVER_ADDRS": "10.0.0.5", "LATCH_SOCKET_GROUP": "web"]
        let fromEnvironment = try ServerOptions.parse([]).applyingEnvironment(environment)
        #expect(fromEnvironment.socketGroup == "web" && fromEnvironment.allow.allows([10, 0, 0, 5]))
        let fromFlags = try ServerOptions.parse(["--allow", "10.0.0.9", "--socket-group", "nginx"]).applyingEnvironment(environment)
        #expect(fromFlags.socketGroup == "nginx" && !fromFlags.allow.allows([10, 0, 0, 5]))
    }

    @Test(arguments: [("127.0.0.1", true), ("127.8.9.10", true), ("localhost", true), ("::1", true), ("[::1]", true),
                      ("0.0.0.0", false), ("10.0.0.5", false), ("::", false), ("auth.example.com", false)])
    func loopbackHosts(_ host: String, _ loopback: Bool) {
        #expect(Listener.isLoopbackHost(host) == loopback)
    }
}

@Suite struct SourceAddressTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("unix:", "unix:"),
    ])
    func buckets(_ address: String, _ bucket: String) {
        #expect(SourceAddress.bucket(address) == bucket)
    }
}

@Suite struct SessionCookieTests {
    let https = Configuration(databaseURL: "x", issuer: "https://auth.example.com")
    let http = Configuration(databaseURL: "x", issuer: "http://127.0.0.1:8080")

    @Test func hostPrefixedUnderHTTPS() {
        let session = Credential.mint(.session)
        let cookie = SessionCookie.setting(session, configuration: https)
        #expect(cookie.hasPrefix("__Host-latch_session=" + session.value + ";"))
        #expect(cookie.contains("; Secure") && cookie.contains("; Path=/") && !cookie.contains("Domain"))
        #expect(SessionCookie.clearing(configuration: https).hasPrefix("__Host-latch_session=;"))
        let plain = SessionCookie.setting(session, configuration: http)
        #expect(plain.hasPrefix("latch_session=") && !plain.contains("Secure"))
    }

    @Test func twoSessionCookiesMeanNone() {
        func request(_ cookie: String) -> Request { Request(method: "GET", path: "/", headers: ["cookie": cookie]) }
        #expect(SessionCookie.value(request("__Host-latch_session=a"), https) == "a")
        #expect(SessionCookie.value(request("__Host-latch_session=a; __Host-latch_session=b"), https) == nil)
        #expect(SessionCookie.value(request("latch_session=a; latch_session=a"), http) == nil)
        // Under https a plain latch_session (which a sibling subdomain can set) is not the session.
        #expect(SessionCookie.value(request("latch_session=a"), https) == nil)
        #expect(SessionCookie.isPresent(request("latch_session=a; latch_session=b"), http))
    }

    @Test func valuesAreReadLikeParseReadsThem() {
        let header = "a=1; latch_session=\"x\" ; b ; latch_session = y;latch_session=;=z"
        #expect(Cookies.values(named: "latch_session", in: header) == ["x", "y", ""])
        #expect(Cookies.parse(header)["latch_session"] == "x")
        #expect(Cookies.values(named: "LATCH_SESSION", in: header).isEmpty)
    }
}

@Suite struct ContentSecurityPolicyTests {
    @Test func pagesAllowNothingForeign() {
        let policy = Response.contentSecurityPolicy()
        #expect(policy.contains("img-src 'self' data:;") && policy.contains("form-action 'self';"))
        #expect(!policy.contains("*") && !policy.contains("https:"))
    }

    @Test(arguments: [
        ("https://app.example/cb", "'self' https://app.example"),
        ("http://127.0.0.1:50999/cb", "'self' http://127.0.0.1:50999"),
        ("jetbrains://gateway/oauth", "'self' jetbrains:"),
        ("com.example.app:/oauth2redirect", "'self' com.example.app:"),
        ("http://[::1]:8000/cb", "'self' http:"),
    ])
    func consentFormTargets(_ redirect: String, _ formAction: String) {
        #expect(ConsentPage.contentSecurityPolicy(redirectURI: redirect).contains("form-action \(formAction);"))
    }

    @Test func iconsOnlyFromTheirOrigin() {
        #expect(AppIcon.source("https://cdn.example:8443/a.png?x=1") == "https://cdn.example:8443")
        #expect(AppIcon.source("http://cdn.example/a.png") == nil)
        #expect(AppIcon.source("https://user@cdn.example/a.png") == nil)
        #expect(ConsentPage.contentSecurityPolicy(redirectURI: "https://a.example/cb", icon: "https://cdn.example/i.png")
            .contains("img-src 'self' data: https://cdn.example;"))
    }

    @Test func jsonAnswersCarryNosniff() {
        #expect(Response.json(["a": 1]).header("X-Content-Type-Options") == "nosniff")
    }
}
