/// An HTML error page, for browser endpoints (sign-in, authorize, account and admin pages),
/// where an OAuth JSON error would mean nothing to the person looking at it.
public enum ErrorPage {
    public static func response(status: Int, title: String, message: String, signedIn: SignedIn? = nil,
                                headers: [(String, String)] = []) -> Response {
        Page(title: title, content: """
            <h1>\(title)</h1>
            <p class="error">\(message)</p>
            <p class="muted">Error \(status). <a href="/">latch home</a></p>
            """, signedIn: signedIn, status: status, headers: headers).response
    }

    /// The page for an `OAuthError` (keeps its status and headers, e.g. `Retry-After`).
    public static func response(for error: OAuthError, title: String? = nil, signedIn: SignedIn? = nil) -> Response {
        response(status: error.status, title: title ?? defaultTitle(error.status), message: error.description,
                 signedIn: signedIn, headers: error.headers)
    }

    static func defaultTitle(_ status: Int) -> String {
        switch status {
        case 403: return "Not allowed"
        case 404: return "Not found"
        case 429: return "Too many attempts"
        case 500...: return "Something went wrong"
        default: return "This request cannot be completed"
        }
    }
}
