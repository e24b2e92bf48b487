/// `GET /admin/copy.js`: the only script latch serves. It shows the `hidden` copy buttons of
/// the "new secret" page (`SecretPages.create`) and copies the field each names
/// (`data-copy="ID"`): with the Clipboard API where the page is a secure context, else by
/// selecting the field and `execCommand("copy")`; when neither works it leaves the field selected
/// and asks for Ctrl+C. No inline script is needed, so the page's CSP adds only `script-src 'self'`.
enum CopyScript {
    static let path = "/admin/copy.js"

    /// The browser-page CSP (`Response.browserHeaders`) plus this script, and forms only to latch.
    static let pageContentSecurityPolicy = Response.contentSecurityPolicy(scripts: ["'self'"])

    static let source = """
        "use strict";
        // latch: the copy buttons of the "new secret" page. Without this script they stay hidden
        // and the read-only field can be selected and copied by hand.
        document.querySelectorAll("button[data-copy]").forEach(function (button) {
          var field = document.getElementById(button.getAttribute("data-copy"));
          if (!field) { return; }
          var label = button.textContent;
          function say(text) {
            button.textContent = text;
            window.setTimeout(function () { button.textContent = label; }, 4000);
          }
          function selectAndCopy() {
            field.focus();
            field.select();
            var copied = false;
            try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
            say(copied ? "Copied" : "Press Ctrl+C");
          }
          button.addEventListener("click", function () {
            if (navigator.clipboard && window.isSecureContext) {
              navigator.clipboard.writeText(field.value).then(function () { say("Copied"); }, selectAndCopy);
            } else {
              selectAndCopy();
            }
          });
          button.hidden = false;
        });

        """

    static var response: Response {
        Response(status: 200, headers: [
            ("Content-Type", "text/javascript; charset=utf-8"),
            ("Cache-Control", "public, max-age=300"),
            ("X-Content-Type-Options", "nosniff"),
        ], body: Array(source.utf8))
    }
}
