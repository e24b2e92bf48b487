/// An answer of a browser page other than its own content (sign in first, not allowed, a bad
/// form), thrown by the checks of `SignedInPage` and sent as it is by the one catch site. A
/// control-flow device (leave the page with this ready answer), not a rendering of an error.
struct PageExit: ResponseError {
    let response: Response

    func response(for request: Request) -> Response { response }
}

/// The checks every page for signed-in people ("Your apps", the admin console) makes before
/// its own work.
enum SignedInPage {
    /// Runs a page handler. Every error goes on to the one catch site (`RequestProcessor`); an
    /// `OAuthError` (an unknown app, a refused field) or a request-layer `HTTPError` goes as a
    /// `PageError` carrying the signed-in banner, which is all this adds.
    static func respond(_ request: Request, _ context: Context,
                        _ page: (SignedIn) throws -> Response) throws -> Response {
        var signedIn: SignedIn?
        do {
            guard let person = try BrowserSession.current(request, context) else { throw signInFirst(request) }
            signedIn = person
            return try page(person)
        } catch let error as OAuthError {
            throw PageError(error, signedIn: signedIn)
        } catch let error as HTTPError {
            throw PageError(OAuthError(error), signedIn: signedIn)
        }
    }

    /// Signed out: `303` to sign-in, which comes back to this page. A form's target is not a
    /// page to come back to, so after a `POST` it comes back to the section's main page
    /// (`/admin/apps` or `/account/apps`).
    static func signInFirst(_ request: Request) -> PageExit {
        guard request.method == "GET" || request.method == "HEAD" else {
            return PageExit(response: .redirect(BrowserSession.signInURL(next: returnPath(afterPost: request.path)), status: 303))
        }
        return PageExit(response: BrowserSession.signInFirst(request))
    }

    /// Where to come back to after signing in, when the request was a form's `POST`.
    static func returnPath(afterPost path: String) -> String {
        if path.hasPrefix("/admin") { return "/admin/apps" }
        return "/account/apps"
    }

    /// The fields of a `POST` from one of latch's pages, once it proved it came from one: the
    /// session's CSRF token in `csrf_token` (a body that is not a form has none). Without it, or
    /// with a wrong one: the `403` page, before anything else is read. A malformed form: `400`.
    static func form(_ request: Request, signedIn: SignedIn) throws -> Parameters {
        let submitted = request.mediaType == "application/x-www-form-urlencoded"
            ? ((try? Parameters(formEncoded: request.body).single("csrf_token")) ?? nil) : nil
        guard signedIn.isValidCSRF(submitted) else {
            throw PageExit(response: ErrorPage.response(
                status: 403, title: "Not allowed",
                message: "This form did not come from this site (its CSRF token is missing or wrong). Open the page again and retry.",
                signedIn: signedIn))
        }
        return try request.formParameters()
    }
}
