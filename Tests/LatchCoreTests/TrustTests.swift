import Testing
@testable import LatchCore

/// Client names (README "The client trust model"): 1–100 Unicode scalars, no control, format or
/// bidi-override characters, at most two combining marks in a row.
@Suite struct ClientNameTests {
    @Test(arguments: ["A", "Photo Sync", "Café", "Cafe\u{301}", "日本語アプリ", "e\u{301}\u{302}x",
                      String(repeating: "a", count: 100), "Émile's app (beta) 🚀"])
    func accepts(_ name: String) { #expect(ClientName.problem(name) == nil) }

    @Test(arguments: [
        "",                                              // empty
        String(repeating: "a", count: 101),              // 101 scalars
        "e" + String(repeating: "\u{301}", count: 3),    // three combining marks in a row
        "Z" + String(repeating: "\u{336}", count: 6009), // one grapheme of 6,010 scalars ("Zalgo")
        "Sign in\u{202E}elgooG",                        // RIGHT-TO-LEFT OVERRIDE (Cf, bidi)
        "Google\u{2066}x",                               // LEFT-TO-RIGHT ISOLATE
        "Goo\u{200B}gle",                                // ZERO WIDTH SPACE (Cf)
        "a\u{0000}b", "line\nbreak", "tab\there", "\u{7F}del", "\u{85}next", // controls
        "\u{061C}arabic mark",                           // ARABIC LETTER MARK (bidi control)
    ])
    func refuses(_ name: String) { #expect(ClientName.problem(name) != nil) }

    @Test func oneGraphemeOfManyScalarsIsCountedInScalars() {
        let name = "a" + String(repeating: "\u{301}\u{302}x", count: 40)  // 121 scalars, 41 graphemes
        #expect(name.count <= 100)
        #expect(ClientName.problem(name) != nil)
    }

    /// Every door uses the same check: registration metadata and the admins' app fields.
    @Test func registrationAndAdminFieldsRefuseTheSameName() throws {
        let bad = "Pay\u{202E}lap"
        #expect(throws: OAuthError.self) {
            _ = try ClientMetadata.parse([("redirect_uris", ["https://a.example/cb"]), ("client_name", .string(bad))],
                                         definedScopes: [])
        }
        #expect(throws: OAuthError.self) {
            _ = try AppInput.checked(name: bad, callbackURL: "https://a.example/cb", moreRedirectURIs: [], icon: nil,
                                     scope: nil, definedScopes: [])
        }
    }
}

@Suite struct TrustRedirectURITests {
    /// Swift's `==` is canonical equivalence; redirect URIs are compared as bytes.
    @Test func precomposedAndDecomposedDiffer() {
        let precomposed = "https://app.example/caf\u{E9}"
        let decomposed = "https://app.example/cafe\u{301}"
        #expect(precomposed == decomposed)  // what Swift's == says
        #expect(!RedirectURI.identical(precomposed, decomposed))
        #expect(!RedirectURI.matches(registered: precomposed, requested: decomposed))
        #expect(RedirectURI.identical(precomposed, precomposed))
    }

    /// RFC 8252 §7.3 for the name localhost (MCP clients register it without a port).
    @Test(arguments: [
        ("http://localhost/callback", "http://localhost:53121/callback", true),
        ("http://localhost:3000/callback", "http://localhost:53121/callback", true),
        ("http://localhost/callback", "http://localhost/callback", true),
        ("http://localhost/callback", "http://localhost:53121/other", false),
        ("http://localhost/callback", "http://127.0.0.1:53121/callback", false),
        ("http://localhost/callback", "http://localhost.evil.example:53121/callback", false),
        ("http://localhost/callback", "http://localhost:53121@evil.example/callback", false),
        ("https://localhost/callback", "https://localhost:53121/callback", false),
    ])
    func localhostPortMayDiffer(_ registered: String, _ requested: String, _ expected: Bool) {
        #expect(RedirectURI.matches(registered: registered, requested: requested) == expected)
    }

    @Test(arguments: ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://f.example/x",
                      "vbscript:x", "blob:https://a.example/x"])
    func refusedForEveryone(_ uri: String) {
        #expect(RedirectURI.problem(uri, verified: true) != nil)
        #expect(RedirectURI.problem(uri, verified: false) != nil)
    }

    @Test(arguments: ["ms-msdt:/id PCWDiagnostic", "ms-officecmd:x", "ms-word:ofe|u|https://evil.example/x.docx",
                      "search-ms:query=x&crumb=location:\\\\evil.example\\share", "intent://scan/#Intent;end",
                      "jar:https://evil.example/x.jar!/", "MS-MSDT:x", "hcp://system/x", "shell:startup", "jnlp://evil.example/x"])
    func osHandlerSchemesOnlyForVerifiedClients(_ uri: String) {
        let scheme = RedirectURI.scheme(of: uri) ?? ""
        #expect(RedirectURI.isOSHandlerScheme(scheme))
        if RedirectURI.problem(uri) == nil {
            #expect(RedirectURI.problem(uri, verified: true) == nil)
        }
        #expect(RedirectURI.problem(uri, verified: false) != nil)
    }

    @Test(arguments: ["vscode://ext/cb", "jetbrains://gateway/cb", "myapp://cb", "com.example.app:/oauth",
                      "https://a.example/cb", "http://localhost/cb"])
    func ordinarySchemesStayAllowedForUnverifiedClients(_ uri: String) {
        #expect(RedirectURI.problem(uri, verified: false) == nil)
    }
}
