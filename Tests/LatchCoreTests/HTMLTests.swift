import Testing
@testable import LatchCore

@Suite struct HTMLTests {
    @Test func escapesEveryCharacterThatCouldLeaveTextOrAnAttribute() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#)
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(HTML.escape("a\u{0}b") == "a\u{FFFD}b")
        #expect(HTML.escape("Ünïcødé ✓") == "Ünïcødé ✓")
    }

    @Test func interpolatedStringsAreEscapedAndHTMLIsNot() {
        let name = #""><img src=x onerror=alert(1)>"#
        let inner: HTML = "<b>\(name)</b>"
        let outer: HTML = "<p title=\"\(name)\">\(inner)</p>"
        #expect(outer.markup == "<p title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"><b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</b></p>")
    }

    @Test func pageEscapesTitleAndUser() {
        let page = Page(title: "<T>", content: "<p>ok</p>").document.markup
        #expect(page.contains("<title>&lt;T&gt; · latch</title>"))
        #expect(page.contains("<p>ok</p>"))
    }

    @Test func htmlResponsesCarryTheBrowserHeaders() {
        let response = ErrorPage.response(status: 400, title: "t", message: "m")
        #expect(response.status == 400)
        #expect(response.header("X-Frame-Options") == "DENY")
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
    }
}
