import Testing
@testable import LatchCore

@Suite struct ConfigurationTests {
    let minimal = ["LATCH_DATABASE_URL": "dbname=latch", "LATCH_ISSUER": "https://auth.example.com/"]

    @Test func defaults() throws {
        let c = try Configuration.fromEnvironment(minimal)
        #expect(c.issuer == "https://auth.example.com")
        #expect(c.resource == "https://auth.example.com")
        #expect(c.codeLifetime == 600)
        #expect(c.accessTokenLifetime == 3600)
        #expect(c.refreshTokenLifetime == 30 * 86400)
        #expect(c.sessionLifetime == 86400)
        #expect(c.maxBodyBytes == 65536)
        #expect(c.registration == .open)
        #expect(c.isSecure)
        #expect(c.url("/oauth2/tokens") == "https://auth.example.com/oauth2/tokens")
    }

    @Test func reportsEveryBadValueByName() {
        var env = minimal
        env["LATCH_ISSUER"] = "auth.example.com"
        env["LATCH_ACCESS_TOKEN_LIFETIME"] = "soon"
        env["LATCH_REGISTRATION"] = "sometimes"
        env["LATCH_DATABASE_URL"] = nil
        do {
            _ = try Configuration.fromEnvironment(env)
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(error.problems.count == 4)
            for name in ["LATCH_ISSUER", "LATCH_ACCESS_TOKEN_LIFETIME", "LATCH_REGISTRATION", "LATCH_DATABASE_URL"] {
                #expect(text.contains(name))
            }
        }
    }

    @Test(arguments: ["https://a.example?x=1", "https://a.example#f", "ftp://a.example", "https://", "https:///path"])
    func refusesBadIssuers(_ issuer: String) {
        var env = minimal
        env["LATCH_ISSUER"] = issuer
        #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(env) }
    }

    @Test func serverOptions() throws {
        #expect(try ServerOptions.parse([]).listen == .inherited)
        #expect(try ServerOptions.parse(["--listen", "unix:/run/a.sock", "--workers", "8"]).listen == .unix(path: "/run/a.sock"))
        #expect(try ServerOptions.parse(["--listen", "127.0.0.1:9001"]).listen == .tcp(host: "127.0.0.1", port: 9001))
        #expect(try ServerOptions.parse(["--workers", "8"]).workers == 8)
        #expect(throws: ServerOptionsError.self) { try ServerOptions.parse(["--workers", "0"]) }
        #expect(throws: ServerOptionsError.self) { try ServerOptions.parse(["--listen", "nowhere"]) }
        #expect(throws: ServerOptionsError.self) { try ServerOptions.parse(["--bogus"]) }
    }

    /// README "Scopes and resources": latch's own API and the default resource, in the normal form tokens carry.
    @Test func resourcesAreNormalised() throws {
        var environment = minimal
        environment["LATCH_DEFAULT_RESOURCE"] = "HTTPS://API.example.com:443/v1/"
        let c = try Configuration.fromEnvironment(environment)
        #expect(c.ownResource == "https://auth.example.com")
        #expect(c.defaultResourceIdentifier == "https://api.example.com/v1")
        environment["LATCH_DEFAULT_RESOURCE"] = "https://api.example.com/%zz"
        #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(environment) }
    }
}
