/// The session cookie (SECURITY.md "Threats: the FastCGI trust boundary and sign-in"): `__Host-latch_session` (`Secure`, `Path=/`, no
/// `Domain`: no sibling subdomain can set or overwrite it) when the issuer is https,
/// `latch_session` on a plain-http loopback issuer. Its value is the session credential
/// `SessionStore` keeps the hash of. A request carrying the cookie twice is signed out: which
/// one a browser sends first is not something to trust.
public enum SessionCookie {
    /// The cookie's name under a plain-http (loopback) issuer.
    public static let plainName = "latch_session"
    /// The cookie's name under an https issuer.
    public static let secureName = "__Host-latch_session"

    public static func name(_ configuration: Configuration) -> String {
        configuration.isSecure ? secureName : plainName
    }

    /// The one session cookie value of the request; nil when there is none or more than one.
    public static func value(_ request: Request, _ configuration: Configuration) -> String? {
        let values = Cookies.values(named: name(configuration), in: request.header("cookie") ?? "")
        return values.count == 1 ? values[0] : nil
    }

    /// The session credential the request's cookie presents, if it has the shape of one.
    public static func session(_ request: Request, _ configuration: Configuration) -> Credential? {
        value(request, configuration).flatMap { Credential.parse($0, as: .session) }
    }

    /// Whether the request carries a session cookie at all (even one that does not count).
    public static func isPresent(_ request: Request, _ configuration: Configuration) -> Bool {
        !Cookies.values(named: name(configuration), in: request.header("cookie") ?? "").isEmpty
    }

    /// `Set-Cookie` for a new session, for as long as a session lives (`sessionLifetime`).
    public static func setting(_ session: Credential, configuration: Configuration) -> String {
        Cookies.setCookie(name: name(configuration), value: session.value, maxAge: configuration.sessionLifetime,
                          secure: configuration.isSecure)
    }

    /// `Set-Cookie` that clears it (sign-out).
    public static func clearing(configuration: Configuration) -> String {
        Cookies.setCookie(name: name(configuration), value: "", maxAge: 0, secure: configuration.isSecure)
    }
}
