/// The one look of every latch browser page: a header naming latch and the product's own
/// `banner` (e.g. who is signed in), then the page's own content. No JavaScript; the style is
/// inline (the CSP allows only that).
public struct Page {
    public enum Width: Sendable { case narrow, wide }

    public var title: String
    public var content: HTML
    /// The rest of the header after the brand (navigation, who is signed in); empty by default.
    public var banner: HTML
    public var status: Int
    public var width: Width
    /// Extra response headers (e.g. `Retry-After`, `Set-Cookie`).
    public var headers: [(String, String)]

    public init(title: String, content: HTML, banner: HTML = .empty, status: Int = 200,
                width: Width = .narrow, headers: [(String, String)] = []) {
        self.title = title
        self.content = content
        self.banner = banner
        self.status = status
        self.width = width
        self.headers = headers
    }

    /// `text/html` with the headers every browser page carries (`Response.html`).
    public var response: Response {
        var response = Response.html(document.markup, status: status)
        for (name, value) in headers { response.addHeader(name, value) }
        return response
    }

    public var document: HTML {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(title) · latch</title>
        <style>\(Page.style)</style>
        </head>
        <body>
        <header><a class="brand" href="/">latch</a>\(banner)</header>
        <main class="\(width == .wide ? "wide" : "narrow")">
        \(content)
        </main>
        </body>
        </html>
        """
    }

    static let style: HTML = """
        *{box-sizing:border-box}\
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f4f5f7}\
        header{display:flex;justify-content:space-between;align-items:center;padding:.75rem 1.5rem;background:#1f2937;color:#fff}\
        header a.brand{color:#fff;font-weight:700;text-decoration:none;letter-spacing:.05em}\
        header .account{display:flex;gap:.75rem;align-items:center;margin:0}\
        header nav{display:flex;gap:1.25rem;margin:0 auto 0 2rem}header nav a{color:#cbd5e1}\
        header .account button{color:#cbd5e1}\
        main{margin:2.5rem auto;padding:2rem;background:#fff;border:1px solid #d8dee4;border-radius:8px}\
        main.narrow{max-width:28rem}main.wide{max-width:70rem}\
        h1{font-size:1.35rem;margin:0 0 1rem}\
        label{display:block;margin:.75rem 0 .25rem;font-weight:600}\
        input[type=text],input[type=password],input[type=url],textarea{width:100%;padding:.5rem;border:1px solid #c3cad3;border-radius:6px;font:inherit}\
        button{font:inherit;cursor:pointer;padding:.5rem 1.1rem;border-radius:6px;border:1px solid #c3cad3;background:#fff}\
        button.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}\
        button.danger{background:#cf222e;border-color:#cf222e;color:#fff}\
        button.link{border:0;background:none;padding:0;text-decoration:underline}\
        .actions{display:flex;gap:.75rem;margin-top:1.5rem}\
        .error{background:#ffebe9;border:1px solid #ff818266;padding:.6rem .8rem;border-radius:6px}\
        .notice{background:#ddf4ff;border:1px solid #54aeff66;padding:.6rem .8rem;border-radius:6px}\
        .app{display:flex;gap:1rem;align-items:center;margin-bottom:1rem}\
        .app img,.app .letter{width:48px;height:48px;border-radius:10px;flex:none}\
        .app .letter{display:flex;align-items:center;justify-content:center;background:#e7ecf3;font-weight:700;font-size:1.4rem}\
        ul.scopes{padding-left:1.2rem}ul.scopes li{margin:.35rem 0}ul.scopes code{word-break:normal}\
        code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;border-radius:6px}\
        code{padding:.1rem .3rem;word-break:break-all}pre{padding:.75rem;white-space:pre-wrap;word-break:break-all}\
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d8dee4}\
        .muted{color:#57606a;font-size:.9rem}\
        h2{font-size:1.1rem;margin:1.75rem 0 .75rem}\
        textarea{min-height:5.5rem}input.secret{font:14px/1.7 ui-monospace,SFMono-Regular,Menlo,monospace;padding:.45rem .5rem}\
        label.choice{display:flex;gap:.5rem;align-items:baseline;font-weight:400;margin:.3rem 0}\
        form.inline{display:inline;margin:0}\
        a.button{display:inline-block;padding:.5rem 1.1rem;border-radius:6px;border:1px solid #c3cad3;background:#fff;color:inherit;text-decoration:none}\
        a.button.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}\
        .tabs{display:flex;gap:1.25rem;align-items:center;margin:0 0 1.25rem;padding-bottom:.6rem;border-bottom:1px solid #d8dee4}\
        .tabs .current{font-weight:700;text-decoration:none;color:inherit}.tabs .end{margin-left:auto}\
        dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.45rem 1.25rem;margin:0}dl.fields dt{font-weight:600}dl.fields dd{margin:0}\
        td ul,dd ul{margin:0;padding:0;list-style:none}td{vertical-align:top}td time{white-space:nowrap}\
        ul.allowed{list-style:none;padding:0;margin:0}ul.allowed>li{border-top:1px solid #d8dee4;padding:1rem 0}\
        ul.allowed .app{margin-bottom:.25rem}ul.allowed form.revoke{margin-left:auto}\
        ul.allowed .can{margin:.5rem 0 0 4rem}ul.allowed ul.scopes{margin:.25rem 0 0 4rem}\
        fieldset{border:1px solid #d8dee4;border-radius:6px;margin:1rem 0 0;padding:.5rem .9rem .75rem}legend{font-weight:600;padding:0 .3rem}\
        code.nowrap{white-space:nowrap;word-break:normal}
        """
}
