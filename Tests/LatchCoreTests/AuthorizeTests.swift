import Testing
@testable import LatchCore

@Suite struct PKCETests {
    /// RFC 7636 Appendix B.
    @Test func appendixBVector() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(PKCE.challenge(forVerifier: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.verify(verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.verify(verifier + "x", challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
    }

    @Test(arguments: [
        (String(repeating: "a", count: 42), false), (String(repeating: "a", count: 43), true),
        (String(repeating: "a", count: 128), true), (String(repeating: "a", count: 129), false),
        (String(repeating: "a", count: 42) + "~", true), (String(repeating: "a", count: 42) + "+", false),
        (String(repeating: "a", count: 42) + "=", false), (String(repeating: "a", count: 42) + "é", false),
    ])
    func wellFormed(_ value: String, _ expected: Bool) {
        #expect(PKCE.isWellFormed(value) == expected)
    }

    @Test func aMalformedVerifierNeverVerifies() {
        // "plain" would compare the verifier itself with the challenge; S256 only.
        let challenge = String(repeating: "a", count: 43)
        #expect(!PKCE.verify(challenge, challenge: challenge))
    }
}

@Suite struct RedirectTargetTests {
    @Test(arguments: [
        ("https://app.example/cb", "https://app.example/cb?code=c&state=s"),
        ("https://app.example/cb?x=1", "https://app.example/cb?x=1&code=c&state=s"),
        ("https://app.example/cb?", "https://app.example/cb?code=c&state=s"),
        ("https://app.example/cb?x=1&", "https://app.example/cb?x=1&code=c&state=s"),
        ("jetbrains://gateway/callback", "jetbrains://gateway/callback?code=c&state=s"),
        ("vscode://ext.auth/done?w=2", "vscode://ext.auth/done?w=2&code=c&state=s"),
        ("com.example.app:/oauth", "com.example.app:/oauth?code=c&state=s"),
    ])
    func appendsToAnyURI(_ uri: String, _ expected: String) {
        #expect(RedirectTarget.appending([("code", "c"), ("state", "s")], to: uri) == expected)
    }

    @Test func encodesValues() {
        #expect(RedirectTarget.appending([("state", "a b&c=d\r\n")], to: "myapp://cb") == "myapp://cb?state=a%20b%26c%3Dd%0D%0A")
    }
}

@Suite struct LocalPathTests {
    @Test(arguments: ["/", "/oauth2/authorize?client_id=a&x=%2F%2Fe", "/account/apps"])
    func acceptsLocalPaths(_ path: String) {
        #expect(LocalPath.validated(path) == path)
    }

    @Test(arguments: ["", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
                      "javascript:alert(1)", "evil.example", "/a\r\nSet-Cookie: x=1", "/\t/evil.example",
                      "/ /evil", "/é", "/a\\b"])
    func refusesEverythingElse(_ path: String) {
        #expect(LocalPath.validated(path) == nil)
        #expect(LocalPath.safe(path) == "/")
    }
}

@Suite struct RemoteUserHeaderTests {
    @Test func aClientCannotSendTheRemoteUserHeaderItself() {
        let spoofed = Request(parameters: ["REQUEST_URI": "/login", "HTTP_X_LATCH_REMOTE_USER": "admin"], body: [])
        #expect(spoofed.header(RemoteUser.header) == nil)
        let real = Request(parameters: ["REQUEST_URI": "/login", "REMOTE_USER": "alice", "HTTP_X_LATCH_REMOTE_USER": "admin"], body: [])
        #expect(real.header(RemoteUser.header) == "alice")
    }

    @Test func onlyTrustedWhenConfigured() {
        let secret = String(repeating: "f", count: 64)
        // Revision 2: only with the front secret nginx sends (LATCH_FRONT_SECRET).
        let request = Request(parameters: ["REQUEST_URI": "/login", "REMOTE_USER": "alice", "LATCH_FRONT_SECRET": secret], body: [])
        var configuration = Configuration(databaseURL: "x", issuer: "https://auth.example")
        #expect(RemoteUser.trustedName(request, configuration) == nil)
        configuration.trustRemoteUser = true
        configuration.frontSecret = secret
        #expect(RemoteUser.trustedName(request, configuration) == "alice")
    }
}

@Suite struct SignInCookieTests {
    @Test func cookiesAreSecureAndHostPrefixedForAnHTTPSIssuer() {
        let https = Configuration(databaseURL: "x", issuer: "https://auth.example")
        let csrf = LoginCSRF.token(for: Request(method: "GET", path: "/login"), configuration: https)
        #expect(csrf.cookie?.1.hasPrefix("__Host-latch_login_csrf=" + csrf.value + ";") == true)
        #expect(csrf.cookie?.1.contains("; Secure") == true)
        let session = SessionCookie.setting(Credential.mint(.session), configuration: https)
        #expect(session.hasPrefix("__Host-latch_session=lss_"))   // revision 2
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure"] { #expect(session.contains(attribute)) }
    }

    @Test func plainHTTPIssuerCookiesAreNotSecure() {
        let http = Configuration(databaseURL: "x", issuer: "http://127.0.0.1:8080")
        let csrf = LoginCSRF.token(for: Request(method: "GET", path: "/login"), configuration: http)
        #expect(csrf.cookie?.1.hasPrefix("latch_login_csrf=") == true)
        #expect(csrf.cookie?.1.contains("Secure") == false)
    }

    @Test func anExistingWellFormedCSRFCookieIsReusedAndCheckedInFull() {
        let http = Configuration(databaseURL: "x", issuer: "http://127.0.0.1:8080")
        let value = String(repeating: "a", count: 43)
        let request = Request(method: "POST", path: "/login", headers: ["cookie": "latch_login_csrf=\(value)"])
        #expect(LoginCSRF.token(for: request, configuration: http).cookie == nil)
        #expect(LoginCSRF.isValid(request, submitted: value, configuration: http))
        #expect(!LoginCSRF.isValid(request, submitted: String(value.dropLast()) + "b", configuration: http))
        #expect(!LoginCSRF.isValid(request, submitted: nil, configuration: http))
        let short = Request(method: "POST", path: "/login", headers: ["cookie": "latch_login_csrf=abc"])
        #expect(!LoginCSRF.isValid(short, submitted: "abc", configuration: http))
    }
}
