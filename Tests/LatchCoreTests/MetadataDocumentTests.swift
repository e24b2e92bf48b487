import Testing
@testable import LatchCore
@testable import LatchPlatform

/// Client ID Metadata Documents without the network: the client_id URL rules, the document
/// rules, host patterns and the cache lifetime (README "Client ID Metadata Documents").
@Suite struct MetadataDocumentTests {
    static let url = "https://client.example.com/oauth/metadata.json"

    @Test(arguments: [
        "https://client.example.com/oauth/metadata.json", "https://client.example.com:8443/m", "https://c.example/m?v=1",
        "https://[2001:4860::1]/m",
    ])
    func acceptsClientIDs(_ url: String) {
        #expect(MetadataClientID.problem(url, developmentLoopback: false) == nil)
    }

    @Test(arguments: [
        "http://client.example.com/m", "https://client.example.com", "https://client.example.com/",
        "https://user@client.example.com/m", "https://u:p@client.example.com/m", "https://client.example.com/m#frag",
        "https://client.example.com/a/../m", "https://client.example.com/./m", "https://client.example.com/a/%2e%2E/m",
        "https://client.example.com/a/..", "https://client.example.com/a b", "https://client.example.com\\@evil/m",
        "ftp://client.example.com/m", "app_0123456789", "https:///m", "http://127.0.0.1:8080/m",
        "https://exa%00mple.com/m", "https://%2e%2e/m", "https://-bad-.example/m", "https://a..b/m", "https://[nope]/m",
        "https://client.example.com/" + String(repeating: "a", count: 200),
    ])
    func refusesClientIDs(_ url: String) {
        #expect(MetadataClientID.problem(url, developmentLoopback: false) != nil)
    }

    @Test func developmentLoopbackAllowsHTTPOnLoopbackOnly() {
        #expect(MetadataClientID.problem("http://127.0.0.1:8080/m", developmentLoopback: true) == nil)
        #expect(MetadataClientID.problem("http://localhost:8080/m", developmentLoopback: true) == nil)
        #expect(MetadataClientID.problem("http://10.0.0.1/m", developmentLoopback: true) != nil)
        #expect(MetadataClientID.problem("http://[::1]/m", developmentLoopback: true) != nil)
        #expect(MetadataClientID("https://127.0.0.1:8443/m", developmentLoopback: true)?.isDevelopmentLoopback == true)
        #expect(MetadataClientID("https://127.0.0.1:8443/m", developmentLoopback: false)?.isDevelopmentLoopback == false)
        #expect(MetadataClientID("https://[::ffff:127.0.0.1]/m", developmentLoopback: true)?.isDevelopmentLoopback == false)
    }

    static func document(_ extra: String = "", clientID: String = url, name: String = "Tool",
                         redirect: String = #""redirect_uris": ["http://127.0.0.1/callback"]"#) -> [UInt8] {
        Array(#"{"client_id": "\#(clientID)", "client_name": "\#(name)", \#(redirect)\#(extra)}"#.utf8)
    }

    func parse(_ body: [UInt8]) throws -> MetadataDocument {
        try MetadataDocument.parse(body, clientID: MetadataDocumentTests.url, definedScopes: ["openid", "mcp:tools"])
    }

    @Test func validDocumentDefaultsToNone() throws {
        let document = try parse(MetadataDocumentTests.document(#", "logo_uri": "https://client.example.com/l.png", "unknown": {"x": 1}"#))
        #expect(document.metadata.tokenEndpointAuthMethod == "none")
        #expect(document.metadata.redirectURIs == ["http://127.0.0.1/callback"])
        #expect(document.metadata.clientName == "Tool")
        #expect(MetadataDocument.runsOnThisDevice(document.metadata.redirectURIs))
        #expect(!MetadataDocument.runsOnThisDevice(["https://app.example.com/cb", "http://localhost/cb"]))
    }

    @Test func privateKeyJWTNeedsKeys() throws {
        #expect(throws: OAuthError.self) { try parse(MetadataDocumentTests.document(#", "token_endpoint_auth_method": "private_key_jwt""#)) }
        let withKeys = try parse(MetadataDocumentTests.document(#", "token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "https://client.example.com/jwks""#))
        #expect(withKeys.metadata.tokenEndpointAuthMethod == "private_key_jwt")
        #expect(withKeys.metadata.other["jwks_uri"] == "https://client.example.com/jwks")
    }

    @Test(arguments: [
        Array("not json".utf8), Array("[1, 2]".utf8), Array(#"{"redirect_uris": ["http://127.0.0.1/cb"]}"#.utf8),
        MetadataDocumentTests.document(clientID: "https://client.example.com/oauth/other.json"),
        MetadataDocumentTests.document(clientID: "https://CLIENT.example.com/oauth/metadata.json"),
        MetadataDocumentTests.document(#", "client_secret": "s3cret""#),
        MetadataDocumentTests.document(#", "client_secret_expires_at": 0"#),
        MetadataDocumentTests.document(#", "token_endpoint_auth_method": "client_secret_basic""#),
        MetadataDocumentTests.document(#", "token_endpoint_auth_method": "client_secret_post""#),
        MetadataDocumentTests.document(#", "token_endpoint_auth_method": "tls_client_auth""#),
        MetadataDocumentTests.document(redirect: #""x": 1"#),
        MetadataDocumentTests.document(redirect: #""redirect_uris": ["javascript:alert(1)"]"#),
        MetadataDocumentTests.document(redirect: #""redirect_uris": ["http://evil.example/cb"]"#),
        MetadataDocumentTests.document(redirect: #""redirect_uris": ["ms-settings:x"]"#),
        MetadataDocumentTests.document(#", "grant_types": ["client_credentials"]"#),
        MetadataDocumentTests.document(name: "a\\u202eb"),
        MetadataDocumentTests.document(#", "client_name": "duplicate""#),
        MetadataDocumentTests.document(#", "jwks": "nope""#),
    ])
    func refusesDocuments(_ body: [UInt8]) {
        #expect(throws: OAuthError.self) { try parse(body) }
    }

    @Test func consentBindingFollowsRedirectsAndKeys() throws {
        let a = try parse(MetadataDocumentTests.document())
        let b = try parse(MetadataDocumentTests.document(name: "Renamed"))
        let c = try parse(MetadataDocumentTests.document(redirect: #""redirect_uris": ["http://127.0.0.1/other"]"#))
        let d = try parse(MetadataDocumentTests.document(#", "jwks_uri": "https://client.example.com/jwks""#))
        #expect(a.consentBinding == b.consentBinding)
        #expect(a.consentBinding != c.consentBinding)
        #expect(a.consentBinding != d.consentBinding)
    }

    @Test func hostPatterns() throws {
        let patterns = try #require(HostPatterns.parse("example.com, *.tools.example"))
        #expect(patterns.matches("example.com"))
        #expect(!patterns.matches("sub.example.com"))
        #expect(patterns.matches("a.tools.example"))
        #expect(!patterns.matches("tools.example"))
        #expect(!patterns.matches("eviltools.example"))
        #expect(HostPatterns.parse("exa mple.com") == nil)
        #expect(HostPatterns.parse("*") == nil)
    }

    @Test func policyAppliesAllowAndDeny() {
        var configuration = Configuration(databaseURL: "x", issuer: "https://auth.example.com")
        configuration.clientMetadataAllow = HostPatterns.parse("*.example.com")!
        configuration.clientMetadataDeny = HostPatterns.parse("bad.example.com")!
        let policy = MetadataClientPolicy(configuration)
        #expect((try? policy.admit("https://good.example.com/m").get()) != nil)
        #expect((try? policy.admit("https://bad.example.com/m").get()) == nil)
        #expect((try? policy.admit("https://other.example.org/m").get()) == nil)
        configuration.clientMetadata = false
        #expect((try? MetadataClientPolicy(configuration).admit("https://good.example.com/m").get()) == nil)
    }

    @Test(arguments: [
        (nil, 300), ("max-age=3600", 3600), ("public, max-age=60", 300), ("max-age=999999999", 86_400),
        ("max-age=99999999999999999999999", 86_400), ("no-store", 300), ("no-cache, max-age=3600", 300),
        ("max-age=\"600\"", 600), ("max-age=-5", 300), ("private", 300),
    ] as [(String?, Int)])
    func cacheLifetime(_ header: String?, _ expected: Int) {
        #expect(CacheLifetime.seconds(cacheControl: header, minimum: 300, maximum: 86_400) == expected)
    }

    @Test func configurationReadsTheSettings() throws {
        let base = ["LATCH_DATABASE_URL": "x", "LATCH_ISSUER": "https://auth.example.com"]
        let defaults = try Configuration.fromEnvironment(base)
        #expect(defaults.clientMetadata && !defaults.clientMetadataDevLoopback)
        #expect(defaults.clientMetadataMinCache == 300 && defaults.clientMetadataMaxCache == 86_400)
        let set = try Configuration.fromEnvironment(base.merging([
            "LATCH_CLIENT_METADATA": "off", "LATCH_CLIENT_METADATA_ALLOW": "*.example.com",
            "LATCH_CLIENT_METADATA_DEV_LOOPBACK": "true", "LATCH_CLIENT_METADATA_MIN_CACHE": "60",
        ]) { $1 })
        #expect(!set.clientMetadata && set.clientMetadataDevLoopback && set.clientMetadataMinCache == 60)
        #expect(set.clientMetadataAllow.matches("a.example.com"))
        #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(base.merging(["LATCH_CLIENT_METADATA": "maybe",
                                                            "LATCH_CLIENT_METADATA_MIN_CACHE": "90000",
                                                            "LATCH_CLIENT_METADATA_MAX_CACHE": "3600"]) { $1 })
        }
    }
}
