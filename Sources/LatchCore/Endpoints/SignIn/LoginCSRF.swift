/// CSRF protection for the sign-in form, which has no session yet: a double-submit cookie.
///
/// `GET /login` gives the browser a cookie holding 256 random bits (OS CSPRNG) and puts the
/// same value in the form's `csrf_token`; `POST /login` is accepted only when both are present
/// and equal (constant-time). Another site can make a browser post the form, but can neither
/// read the cookie nor set it (with an https issuer the cookie is `__Host-` prefixed, so not
/// even a sibling subdomain can plant one), so it cannot sign the victim in to its own account.
public enum LoginCSRF {
    static let lifetime = 2 * 3600

    static func cookieName(_ configuration: Configuration) -> String {
        configuration.isSecure ? "__Host-latch_login_csrf" : "latch_login_csrf"
    }

    /// The token for the form, and the `Set-Cookie` header when the browser needs a new one.
    static func token(for request: Request, configuration: Configuration) -> (value: String, cookie: (String, String)?) {
        if let existing = request.cookies[cookieName(configuration)], isWellFormed(existing) { return (existing, nil) }
        let value = Base64.urlEncode(SecureRandom.bytes(32))
        let cookie = Cookies.setCookie(name: cookieName(configuration), value: value, maxAge: lifetime, secure: configuration.isSecure)
        return (value, ("Set-Cookie", cookie))
    }

    /// Whether the submitted `csrf_token` equals the cookie.
    static func isValid(_ request: Request, submitted: String?, configuration: Configuration) -> Bool {
        guard let submitted, let cookie = request.cookies[cookieName(configuration)], isWellFormed(cookie) else { return false }
        return ConstantTime.equals(submitted, cookie)
    }

    static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy(Credential.isBase64URL)
    }
}
