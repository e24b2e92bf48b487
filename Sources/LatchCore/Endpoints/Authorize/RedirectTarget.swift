/// A verified place to send the browser back to: the client's redirect URI, with the
/// request's `state` and the issuer (`iss`, RFC 9207) added to every answer.
struct RedirectTarget {
    let client: Client
    /// As requested (the port of a loopback URI may differ from the registered one), or the
    /// client's only registered URI when the request gave none.
    let redirectURI: String
    let redirectURIGiven: Bool
    let state: String?

    /// `302` back to the client with `error`, `error_description`, `state` and `iss`.
    func redirect(_ error: OAuthError, issuer: String) -> Response {
        redirect([("error", error.code.rawValue), ("error_description", error.description)], issuer: issuer)
    }

    /// `302` back to the client with `code`, `state` and `iss`.
    func redirect(code: Credential, issuer: String) -> Response {
        redirect([("code", code.value)], issuer: issuer)
    }

    private func redirect(_ pairs: [(String, String)], issuer: String) -> Response {
        var response = Response.redirect(location(pairs, issuer: issuer))
        response.logClientID = client.clientID
        return response
    }

    /// The redirect URI with `pairs`, `state` (when the request had one) and `iss`.
    func location(_ pairs: [(String, String)], issuer: String) -> String {
        var pairs = pairs
        if let state { pairs.append(("state", state)) }
        pairs.append(("iss", issuer))
        return RedirectTarget.appending(pairs, to: redirectURI)
    }

    /// The error's location: `error`, `error_description`, `state` and `iss`.
    func location(_ error: OAuthError, issuer: String) -> String {
        location([("error", error.code.rawValue), ("error_description", error.description)], issuer: issuer)
    }

    /// Adds query parameters to a URI that may already have a query (`?` or `&` as needed).
    /// Works for any scheme: `https://app/cb`, `http://127.0.0.1:4711/`, `myapp://cb?x=1`,
    /// `jetbrains://gateway/callback`, `com.example:/oauth`. Registered URIs carry no fragment.
    static func appending(_ pairs: [(String, String)], to uri: String) -> String {
        let query = Parameters.encode(pairs)
        guard uri.contains("?") else { return uri + "?" + query }
        return uri.hasSuffix("?") || uri.hasSuffix("&") ? uri + query : uri + "&" + query
    }
}
