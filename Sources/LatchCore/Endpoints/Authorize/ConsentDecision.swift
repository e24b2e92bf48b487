/// `POST /oauth2/authorize`: the consent form's answer.
///
/// The session's CSRF token is required (`403`, no code, without it or with a wrong one).
/// The hidden fields are only a copy of the request: the client, redirect URI and every other
/// parameter are checked again exactly as on `GET`. Allow issues a code and `302`s to the
/// redirect URI with `code`, `state` and `iss`; Cancel sends `error=access_denied` there,
/// whatever its scheme (`https`, loopback `http`, `myapp://`, `jetbrains://`, …).
/// Audit: Allow records `consent.allowed` and `code.issued` (in the statement that stores the
/// code), Cancel `consent.denied`.
enum ConsentDecision {
    static func decide(_ request: Request, _ context: Context) throws -> Response {
        let form = try request.browserFormParameters()
        guard let signedIn = try BrowserSession.current(request, context) else {
            return ErrorPage.response(status: 403, title: "Not signed in",
                                      message: "Your sign-in has ended. Go back to the app and start again.")
        }
        guard signedIn.isValidCSRF((try? form.single("csrf_token")) ?? nil) else {
            return ErrorPage.response(status: 403, title: "Not allowed",
                                      message: "This form did not come from this site (its CSRF token is missing or wrong).",
                                      signedIn: signedIn)
        }
        let target = try ClientRedirectCheck.verify(form, signedIn: signedIn, context: context)
        let issuer = context.configuration.issuer
        let audit = AuditSource(actor: AuditActor.user(signedIn.user.username), request: request)
        do {
            let authorization = try AuthorizationRequest(form, target: target, database: context.database,
                                                         configuration: context.configuration)
            switch try form.single("decision") {
            case "allow"?:
                let code = try AuthorizationCodeStore(database: context.database).issue(
                    clientID: target.client.clientID, userID: signedIn.user.id, redirectURI: target.redirectURI,
                    redirectURIGiven: target.redirectURIGiven, codeChallenge: authorization.codeChallenge,
                    scope: authorization.scope, resource: authorization.resource.identifier, state: target.state,
                    nonce: authorization.nonce, authTime: signedIn.signedInAt,
                    lifetime: context.configuration.codeLifetime, audit: audit)
                return target.redirect(code: code, issuer: issuer)
            case "cancel"?:
                try SignInOperations(database: context.database, request: request)
                    .denyConsent(signedIn, clientID: target.client.clientID, scope: authorization.scope)
                return target.redirect(OAuthError(.accessDenied, "the user declined the request"), issuer: issuer)
            default:
                throw OAuthError.invalidRequest("decision must be allow or cancel")
            }
        } catch let error as OAuthError {
            return target.redirect(error, issuer: issuer)
        }
    }
}
