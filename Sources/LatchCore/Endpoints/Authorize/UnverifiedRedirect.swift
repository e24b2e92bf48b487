/// An authorization request that must not be answered by redirect, because the client or its
/// redirect URI is not verified (RFC 6749 §4.1.2.1, RFC 9700 §4.11: never redirect to an
/// unverified URI). The browser gets a `400` HTML page instead (with the signed-in banner when
/// someone is signed in), sent by the one catch site.
struct UnverifiedRedirect: ResponseError {
    let message: String
    let signedIn: SignedIn?
    /// What the log gets besides the message (a metadata document's fetch error).
    var cause: (any Error & Sendable)? = nil

    func response(for request: Request) -> Response {
        ErrorPage.response(status: 400, title: "This sign-in link is not valid",
                           message: message + " Tell the app's developer; you cannot be sent back to it from here.",
                           signedIn: signedIn)
    }
}
