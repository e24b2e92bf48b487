import Testing
@testable import LatchCore
@testable import LatchPlatform

@Suite struct RedirectURITests {
    @Test(arguments: [
        "https://app.example/cb", "http://127.0.0.1/cb", "http://localhost:3000/cb", "http://[::1]:8080/cb",
        "myapp://callback", "jetbrains://idea/oauth", "vscode://vscode.github/cb", "com.example.app:/oauth2redirect",
    ])
    func accepts(_ uri: String) { #expect(RedirectURI.problem(uri) == nil) }

    @Test(arguments: [
        ("javascript:alert(1)", RedirectURI.Problem.forbiddenScheme("javascript")),
        ("data:text/html,hi", .forbiddenScheme("data")), ("file:///etc/passwd", .forbiddenScheme("file")),
        ("ftp://x.example/", .forbiddenScheme("ftp")), ("vbscript:x", .forbiddenScheme("vbscript")),
        ("blob:https://x", .forbiddenScheme("blob")), ("JavaScript:alert(1)", .forbiddenScheme("javascript")),
        ("https://app.example/cb#frag", .hasFragment), ("http://app.example/cb", .httpNotLoopback),
        ("/relative", .notAbsolute), ("app.example/cb", .notAbsolute), ("https://a.example/ b", .malformed),
    ])
    func refuses(_ uri: String, _ problem: RedirectURI.Problem) { #expect(RedirectURI.problem(uri) == problem) }

    @Test func matchingIsExactExceptLoopbackPorts() {
        #expect(RedirectURI.matches(registered: "https://a.example/cb", requested: "https://a.example/cb"))
        #expect(!RedirectURI.matches(registered: "https://a.example/cb", requested: "https://a.example/cb/"))
        #expect(!RedirectURI.matches(registered: "https://a.example/cb", requested: "https://A.example/cb"))
        #expect(!RedirectURI.matches(registered: "https://a.example:443/cb", requested: "https://a.example:444/cb"))
        #expect(RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1:51234/cb"))
        #expect(RedirectURI.matches(registered: "http://[::1]:1/cb", requested: "http://[::1]:2/cb"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1:5/other"))
        // Revision 2: the name localhost too (RFC 8252 §7.3, as MCP clients register it).
        #expect(RedirectURI.matches(registered: "http://localhost/cb", requested: "http://localhost:5/cb"))
        #expect(!RedirectURI.matches(registered: "http://localhost/cb", requested: "http://localhost.evil.example:5/cb"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1/cb", requested: "http://127.0.0.1@evil.example/cb"))
    }
}
