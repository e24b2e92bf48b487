import Testing
@testable import LatchCore

/// Inputs the libFuzzer targets in fuzz/ found (and their close relatives), kept so the fixes
/// stay fixed. Most share one root cause: Swift compares and splits Strings by Character
/// (grapheme cluster, canonical equivalence), while HTTP and URIs are delimited by ASCII
/// scalars. A combining mark after a delimiter hides it (`/\u{301}` is one Character), a
/// prepended mark before one does too (`\u{600}:`), and U+037E GREEK QUESTION MARK is a
/// Character equal to `;`.
@Suite struct FuzzRegressionTests {
    private func bytes(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }

    // MARK: Request (fuzz/targets/FastCGIRequest.swift)

    /// Found: a header name with a non-ASCII letter (`HTTP_X_CUSTOM_HEADEḰV`) was folded to
    /// lower case byte by byte when stored but with Unicode rules when looked up, so it could
    /// not be read back. Both now fold A–Z only.
    @Test func aHeaderWithANonASCIINameIsReadBackByItsName() {
        let request = Request(parameters: ["HTTP_X_CUSTOM_HEADE\u{1E30}V": "1", "HTTP_AUTHORIZATION": "Basic x"], body: [])
        #expect(request.headers["x-custom-heade\u{1E30}v"] == "1")
        for name in request.headers.keys { #expect(request.header(name) != nil) }
        #expect(request.header("X-Custom-Heade\u{1E30}V") == "1")
        #expect(request.header("AUTHORIZATION") == "Basic x")
    }

    // MARK: RedirectURI (fuzz/targets/RedirectURI.swift)

    /// Found: `http://127.0.ost:3001/callback` passed as loopback (any host starting "127.").
    @Test(arguments: ["http://127.0.ost:3001/callback", "http://127.attacker.example/cb",
                      "http://127.0.0.1.attacker.example/cb", "http://127..0.1/cb", "http://127.+0.0.1/cb",
                      "http://127.0.0.256/cb"])
    func httpToAHostThatIsNotLoopbackIsRefused(_ uri: String) {
        #expect(RedirectURI.problem(uri) == .httpNotLoopback)
    }

    @Test(arguments: ["http://127.0.0.1:8080/cb", "http://127.255.255.255/cb", "http://localhost/cb",
                      "http://LOCALHOST:3000/cb", "http://[::1]:1234/cb?x=1"])
    func loopbackHostsStayAllowed(_ uri: String) {
        #expect(RedirectURI.problem(uri) == nil)
    }

    /// Found: two URIs whose ports are not numbers matched (both had no port-less form, and
    /// nil == nil). A registrable `http://127.0.0.1:x/cb` then matched any `http://evil:y/…`.
    @Test func urisWithoutANumericPortDoNotMatch() {
        #expect(RedirectURI.problem("http://127.0.0.1:x/cb") == nil)
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1:x/cb", requested: "http://evil.example:y/steal"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1:'8080/cb", requested: "http://127.0.0.1:51:34h51:34httb"))
        #expect(!RedirectURI.matches(registered: "http://user@127.0.0.1/cb", requested: "http://x@evil.example/steal"))
        #expect(!RedirectURI.matches(registered: "http://127.0.0.1:8080/cb", requested: "http://127.0.0.1:\u{663}/cb"))
        #expect(RedirectURI.matches(registered: "http://127.0.0.1:8080/cb", requested: "http://127.0.0.1:51234/cb"))
        #expect(RedirectURI.matches(registered: "http://[::1]/cb", requested: "http://[::1]:1234/cb"))
    }

    /// "Exact string comparison": canonically equivalent but different strings do not match.
    @Test func matchingIsByteForByte() {
        #expect("https://client.example/caf\u{E9}" == "https://client.example/cafe\u{301}")
        #expect(!RedirectURI.matches(registered: "https://client.example/caf\u{E9}", requested: "https://client.example/cafe\u{301}"))
    }

    /// Found: `host(of:)` read `127.0.0.1\u{600}:;` as the host (U+0600 prepends to ':').
    /// The same reading let `http://evil.example/\u{301}@127.0.0.1/` pass as loopback.
    @Test func aMarkNextToADelimiterDoesNotHideIt() {
        #expect(bytes(RedirectURI.host(of: "http://127.0.0.1\u{600}:;\u{0}8080/cb")) == bytes("127.0.0.1\u{600}"))
        #expect(RedirectURI.host(of: "http://evil.example/\u{301}@127.0.0.1/cb") == "evil.example")
        #expect(RedirectURI.problem("http://evil.example/\u{301}@127.0.0.1/cb") == .httpNotLoopback)
        #expect(RedirectURI.problem("https://client.example/cb#\u{301}") == .hasFragment)
        #expect(!RedirectURI.isAbsoluteWithoutFragment("https://resource.example/#\u{301}"))
    }

    // MARK: Cookies (fuzz/targets/Cookies.swift)

    /// Found: U+037E split the header like ';', so a value could smuggle in another cookie.
    @Test func greekQuestionMarkIsNotACookieDelimiter() {
        let smuggled = Cookies.parse("theme=dark\u{37E}lss_session=forged; other=1")
        #expect(smuggled["lss_session"] == nil)
        #expect(bytes(smuggled["theme"]) == bytes("dark\u{37E}lss_session=forged"))

        let found = Cookies.parse("a=\"quoted\"; a=second; \u{37E}=empty; novalue;  spaced = v ;\tb=1=2")
        #expect(found.count == 4)
        #expect(found["a"] == "quoted" && found["spaced"] == "v" && found["b"] == "1=2")
        #expect(bytes(found["\u{37E}"]) == bytes("empty"))
    }

    /// Found: a combining mark after '=' hid it, so the cookie was dropped; after ';' or a
    /// space it hid the delimiter or escaped trimming.
    @Test func aCombiningMarkDoesNotHideACookieDelimiter() {
        let found = Cookies.parse("\n\u{1}?=\u{315}\u{FFFD}")
        #expect(bytes(found["\n\u{1}?"]) == bytes("\u{315}\u{FFFD}"))
        let split = Cookies.parse("a=1;\u{301}b=2")
        #expect(split["a"] == "1")
        #expect(bytes(split["\u{301}b"]) == bytes("2"))
        #expect(bytes(Cookies.parse("x= \u{301}v")["x"]) == bytes("\u{301}v"))
    }

    // MARK: Request (fuzz/targets/FastCGIRequest.swift)

    /// Found: `Applisation/\u{37E}ON ;charset=utf-8` gave the media type `applisation/`.
    @Test func theMediaTypeEndsAtTheFirstSemicolonScalar() {
        func request(contentType: String) -> Request {
            Request(method: "POST", path: "/", headers: ["content-type": contentType], body: Array("a=b".utf8))
        }
        #expect(bytes(request(contentType: "Applisation/\u{37E}ON ;charset=utf-8").mediaType) == bytes("applisation/\u{37E}on"))
        let greek = request(contentType: "application/x-www-form-urlencoded\u{37E}x")
        #expect(throws: HTTPError.self) { try greek.formParameters() }
        let leading = request(contentType: ";application/x-www-form-urlencoded")
        #expect(leading.mediaType == "")
        #expect(throws: HTTPError.self) { try leading.formParameters() }
        #expect(request(contentType: " Application/X-WWW-Form-Urlencoded ; charset=utf-8").mediaType == "application/x-www-form-urlencoded")
    }

    @Test func theQueryStartsAtTheFirstQuestionMarkScalar() {
        let r = Request(parameters: ["REQUEST_URI": "/oauth2/authorize?\u{301}x=1&y=2", "QUERY_STRING": "ignored"], body: [])
        #expect(r.path == "/oauth2/authorize")
        #expect(bytes(r.query) == bytes("\u{301}x=1&y=2"))
    }

    // MARK: ResourceIdentifier (fuzz/targets/ResourceIdentifier.swift)

    /// Found: `https://n:[::1]:443//` normalised to `https://n:[::1]//`, which no longer
    /// normalised at all (its "port" was `[::1]`). A host is now a bracketed literal or has no
    /// `:`, `[` or `]`.
    @Test(arguments: ["https://n:[::1]:443//", "https://a]b/", "https://[::1/", "https://x[y]/"])
    func aHostWithStrayDelimitersIsNoIdentifier(_ input: String) {
        #expect(ResourceIdentifier.normalized(input) == nil)
    }
}
