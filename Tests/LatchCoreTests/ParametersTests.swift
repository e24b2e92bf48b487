import Testing
@testable import LatchCore

@Suite struct ParametersTests {
    @Test func decodesPlusAndPercentEscapes() throws {
        let p = try Parameters(formEncoded: Array("a=1+2&b=%C3%A9%26&c".utf8))
        #expect(try p.single("a") == "1 2")
        #expect(try p.single("b") == "é&")
        #expect(p.contains("c"))
        #expect(try p.single("c") == nil)
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%FF", "%C3=1"])
    func refusesMalformedEncoding(_ body: String) {
        #expect(throws: HTTPError.self) { try Parameters(formEncoded: Array(body.utf8)) }
    }

    @Test func duplicateParameterIsAnError() throws {
        let p = try Parameters(formEncoded: Array("a=1&a=2&b=3".utf8))
        #expect(throws: HTTPError.duplicateParameter("a")) { try p.single("a") }
        #expect(try p.single("b") == "3")
        #expect(p.firstDuplicateName == "a")
    }

    @Test func encodeRoundTrips() throws {
        let text = "a b&c=d/é~"
        let p = try Parameters(formEncoded: Array(("x=" + Parameters.encode(text)).utf8))
        #expect(try p.single("x") == text)
    }
}

@Suite struct RequestTests {
    @Test func buildsFromFastCGIParameters() {
        let r = Request(parameters: [
            "REQUEST_METHOD": "POST", "REQUEST_URI": "/oauth2/tokens?x=1", "QUERY_STRING": "x=1",
            "HTTP_AUTHORIZATION": "Bearer abc", "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
            "HTTP_X_FORWARDED_FOR": "1.2.3.4", "REMOTE_ADDR": "127.0.0.1",
        ], body: Array("a=b".utf8))
        #expect(r.method == "POST")
        #expect(r.path == "/oauth2/tokens")
        #expect(r.query == "x=1")
        #expect(r.header("Authorization") == "Bearer abc")
        #expect(r.header("x-forwarded-for") == "1.2.3.4")
        #expect(r.mediaType == "application/x-www-form-urlencoded")
        #expect(r.bearerToken == "abc")
        #expect(r.remoteAddress == "127.0.0.1")
    }

    @Test func bearerTokenReadsTheSchemeInAnyCaseAndOneTokenAfterASpace() {
        func token(_ header: String) -> String? {
            Request(method: "GET", path: "/", headers: ["authorization": header], body: []).bearerToken
        }
        #expect(token("Bearer abc") == "abc")
        #expect(token("bEaReR abc") == "abc")
        #expect(token("  Bearer   abc  ") == "abc")
        #expect(token("Bearer a b") == "a b")
        for refused in ["Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Bearer\tabc", "\tBearer abc", "Basic abc", "Bear abc",
                        "Bearer\u{301} abc", "Bearer \u{301}abc", "Ｂearer abc"] {
            #expect(token(refused) == nil, "\(refused)")
        }
        #expect(token("Bearer abc\u{e9}") == "abc\u{e9}")
    }

    @Test func formParametersNeedTheFormMediaType() {
        let r = Request(method: "POST", path: "/", headers: ["content-type": "application/json"], body: Array("a=b".utf8))
        #expect(throws: HTTPError.self) { try r.formParameters() }
    }

    @Test func cookies() {
        #expect(Cookies.parse("a=1; b=\"2\"; a=3") == ["a": "1", "b": "2"])
    }

    @Test func basicAuthorizationDecodesFormEncodedParts() throws {
        let header = "Basic " + Base64.encode(Array("my%20client:s%3Acret".utf8))
        let auth = try BasicAuthorization.parse(header)
        #expect(auth == BasicAuthorization(username: "my client", password: "s:cret"))
        #expect(try BasicAuthorization.parse("Bearer x") == nil)
        #expect(throws: HTTPError.self) { try BasicAuthorization.parse("Basic !!!") }
        #expect(throws: HTTPError.self) { try BasicAuthorization.parse("Basic " + Base64.encode(Array("nocolon".utf8))) }
    }
}

@Suite struct ResponseTests {
    @Test func serializesStatusHeadersAndBody() {
        let r = Response(status: 201, headers: [("X-A", "1")], body: Array("hi".utf8))
        let text = String(decoding: r.serialized(), as: UTF8.self)
        #expect(text == "Status: 201 Created\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func headerWithCRLFBecomesA400() {
        let r = Response.redirect("https://a.example/\r\nSet-Cookie: x=1")
        let text = String(decoding: r.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("Status: 400"))
        #expect(!text.contains("Set-Cookie"))
    }
}
