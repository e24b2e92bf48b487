extension Page {
    /// A page whose header shows who is signed in: their apps, the console for admins, and a
    /// sign-out form carrying the session's CSRF token (nil: nobody, an empty banner).
    public init(title: String, content: HTML, signedIn: SignedIn?, status: Int = 200,
                width: Width = .narrow, headers: [(String, String)] = []) {
        self.init(title: title, content: content, banner: signedIn.map(Page.banner) ?? .empty, status: status,
                  width: width, headers: headers)
    }

    static func banner(_ signedIn: SignedIn) -> HTML {
        let admin: HTML = signedIn.user.isAdmin ? "<a href=\"/admin/apps\">Admin console</a>" : .empty
        return """
            <nav><a href="/account/apps">Your apps</a>\(admin)</nav>\
            <form class="account" method="post" action="/logout">\
            <span>\(signedIn.user.username)</span>\
            \(Form.csrf(signedIn.csrfToken))\
            <button type="submit" class="link">Sign out</button></form>
            """
    }
}
