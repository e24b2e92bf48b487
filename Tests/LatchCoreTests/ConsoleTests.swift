import Testing
@testable import LatchCore

/// The pieces the admin console and "Your apps" share with the management API, and their pages.
@Suite struct ConsoleTests {
    let defined = ["profile", "email", "files:read"]

    func form(_ pairs: [(String, String)]) -> Parameters { Parameters(pairs) }

    func json(_ text: String) -> [(String, JSON)] {
        guard let members = (try? JSON.parse(Array(text.utf8)))?.objectValue else { fatalError("bad test JSON") }
        return members
    }

    @Test func theFormReadsOneURIPerLineTheFirstBeingTheCallback() throws {
        let input = try AppInput.parse(form: form([
            ("name", "  Photo Print "), ("redirect_uris", "https://a.example/cb\r\n\r\n  myapp://cb \nhttps://a.example/cb\n"),
            ("icon", ""), ("scope", "profile"), ("scope", "files:read"),
        ]), definedScopes: defined)
        #expect(input == AppInput(name: "Photo Print", redirectURIs: ["https://a.example/cb", "myapp://cb"], icon: nil,
                                  scope: ["profile", "files:read"]))
    }

    @Test func theFormAndTheJSONBodyGiveTheSameApp() throws {
        let fromForm = try AppInput.parse(form: form([
            ("name", "A"), ("redirect_uris", "https://a.example/cb\nhttp://127.0.0.1:9/cb"),
            ("icon", "https://a.example/i.png"), ("scope", "email"),
        ]), definedScopes: defined)
        let fromJSON = try AppInput.parse(json(#"""
            {"name":"A","callback_url":"https://a.example/cb","redirect_uris":["http://127.0.0.1:9/cb"],
             "icon":"https://a.example/i.png","scope":"email"}
            """#), definedScopes: defined, existing: nil)
        #expect(fromForm == fromJSON)
    }

    @Test(arguments: [
        ([("name", ""), ("redirect_uris", "https://a.example/cb")], "invalid_client_metadata", "name is required"),
        ([("name", "a"), ("redirect_uris", " \r\n ")], "invalid_redirect_uri", "callback_url is required"),
        ([("name", "a"), ("redirect_uris", "https://a.example/cb\njavascript:alert(1)")], "invalid_redirect_uri", ""),
        ([("name", "a"), ("redirect_uris", "http://a.example/cb")], "invalid_redirect_uri", ""),
        ([("name", "a"), ("redirect_uris", "https://a.example/cb"), ("icon", "data:image/png,x")], "invalid_client_metadata", "icon"),
        ([("name", "a"), ("redirect_uris", "https://a.example/cb"), ("scope", "admin")], "invalid_client_metadata", "'admin'"),
        ([("name", "a"), ("name", "b"), ("redirect_uris", "https://a.example/cb")], "invalid_request", "more than once"),
    ])
    func badFormsAreRefusedByTheSharedRules(pairs: [(String, String)], code: String, words: String) {
        do {
            _ = try AppInput.parse(form: form(pairs), definedScopes: defined)
            Issue.record("accepted \(pairs)")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(words.isEmpty || error.description.contains(words), "\(error.description)")
        }
    }

    @Test func newClientsOfEachKind() throws {
        let input = AppInput(name: "A", redirectURIs: ["https://a.example/cb"], icon: nil, scope: [])
        #expect(input.newClient().tokenEndpointAuthMethod == "client_secret_basic")
        #expect(input.newClient().grantTypes == ["authorization_code", "refresh_token"])
        #expect(input.newClient(type: .confidentialWithClientCredentials).grantTypes.contains("client_credentials"))
        #expect(input.newClient(type: .public).isPublic)
        #expect(input.newClient().origin == .admin && input.newClient().callbackURL == "https://a.example/cb")
    }

    @Test func scopeDefinitionRules() {
        #expect(ScopeStore.problem(name: "files:read", description: "Read your files") == nil)
        for bad in ["", "two words", "quo\"te", "back\\slash", "ünï", String(repeating: "s", count: 101)] {
            #expect(ScopeStore.problem(name: bad, description: "") != nil, "\(bad)")
        }
        #expect(ScopeStore.problem(name: "ok", description: String(repeating: "d", count: 1001)) != nil)
    }

    @Test func timesAreShownInUTC() {
        #expect(HTML.time(0).markup == "<time datetime=\"1970-01-01T00:00:00Z\">1970-01-01 00:00 UTC</time>")
        #expect(HTML.date(86_400 + 3_661).markup == "<time datetime=\"1970-01-02T01:01:01Z\" title=\"1970-01-02 01:01 UTC\">1970-01-02</time>")
        #expect(HTML.time(nil, never: "never").markup == "<span class=\"muted\">never</span>")
    }

    @Test func theHeaderLinksYourAppsAndTheConsoleForAdmins() {
        func header(admin: Bool) -> String {
            let user = User(id: 1, username: "<b>x</b>", isAdmin: admin, isDisabled: false, createdAt: 0)
            let page = Page(title: "t", content: "", signedIn: SignedIn(user: user, sessionID: "s", csrfToken: "c")).document.markup
            return String(page[page.firstRange(of: "<header>")!.lowerBound..<page.firstRange(of: "</header>")!.upperBound])
        }
        #expect(header(admin: true).contains("<a href=\"/account/apps\">Your apps</a><a href=\"/admin/apps\">Admin console</a>"))
        #expect(header(admin: false).contains("<a href=\"/account/apps\">Your apps</a>"))
        #expect(!header(admin: false).contains("/admin"))
        #expect(header(admin: false).contains("<span>&lt;b&gt;x&lt;/b&gt;</span>"))
        #expect(!Page(title: "t", content: "").document.markup.contains("/account/apps"))
    }

    @Test func onlyTheSecretPageMayRunTheCopyScript() {
        #expect(CopyScript.pageContentSecurityPolicy.contains("script-src 'self';"))
        #expect(CopyScript.pageContentSecurityPolicy.contains("frame-ancestors 'none'"))
        #expect(!Response.browserHeaders.contains { $0.1.contains("script-src") })
        #expect(CopyScript.response.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(CopyScript.response.header("X-Content-Type-Options") == "nosniff")
    }
}
