/// The sign-in form and the page shown to someone already signed in.
enum SignInPage {
    static func form(next: String, csrfToken: String, username: String = "", error: String? = nil,
                     status: Int = 200, headers: [(String, String)] = []) -> Response {
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? .empty
        return Page(title: "Sign in", content: """
            <h1>Sign in</h1>
            \(message)
            <form method="post" action="/login">
            <label for="username">Username</label>
            <input type="text" id="username" name="username" value="\(username)" autocomplete="username" autofocus required>
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            \(Form.hidden("next", next))
            \(Form.csrf(csrfToken))
            <div class="actions"><button type="submit" class="primary">Sign in</button></div>
            </form>
            """, status: status, headers: headers).response
    }

    static func alreadySignedIn(_ signedIn: SignedIn) -> Response {
        Page(title: "Signed in", content: """
            <h1>You are signed in</h1>
            <p>Signed in as <strong>\(signedIn.user.username)</strong>.</p>
            <form method="post" action="/logout">\(Form.csrf(signedIn.csrfToken))
            <div class="actions"><button type="submit">Sign out</button></div></form>
            """, signedIn: signedIn).response
    }
}
