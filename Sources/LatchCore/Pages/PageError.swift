/// An error on a browser page answered as latch's HTML error page, with the signed-in banner
/// when someone is signed in. Pages throw it where the one catch site (`RequestProcessor`)
/// would word the error otherwise: an `OAuthError` renders itself as JSON, and `PageErrors`
/// knows nobody, so draws no banner.
struct PageError: ResponseError {
    let error: OAuthError
    let signedIn: SignedIn?

    init(_ error: OAuthError, signedIn: SignedIn? = nil) {
        self.error = error
        self.signedIn = signedIn
    }

    func response(for request: Request) -> Response {
        ErrorPage.response(for: error, signedIn: signedIn)
    }
}
