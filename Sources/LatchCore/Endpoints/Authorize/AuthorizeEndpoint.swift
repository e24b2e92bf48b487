/// `GET /oauth2/authorize` (the request and the consent page) and `POST /oauth2/authorize`
/// (the consent form), in the order of README "The authorization endpoint":
/// 1. nobody signed in: `303` to `/login?next=…` — with `prompt=none`, steps 2–3 run first
///    and the answer is `login_required`; `prompt=login`, or a sign-in older than `max_age`
///    (after steps 2–3), asks for the password again, also of someone signed in;
/// 2. unknown client or unregistered redirect URI: `400` HTML page, never a redirect
///    (`ClientRedirectCheck`);
/// 3. every other error: back to the client by redirect with `error`, `error_description`,
///    `state` and `iss` (`AuthorizationRequest`, `Prompt`) — for an unverified client through
///    `UnverifiedClientErrorPage`;
/// 4. the consent page (`ConsentPage`); its form is decided by `ConsentDecision`;
/// 5. remembered consent: a verified app the person already allowed these scopes for this
///    resource gets its code at once (`AuthorizationCodeStore.issueIfRemembered`), unless
///    `prompt=consent`; `prompt=none` without it is `consent_required`.
public enum AuthorizeEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/authorize", ["GET": { request, context in try show(request, context) },
                                    "POST": { request, context in try ConsentDecision.decide(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        let signedIn = try BrowserSession.current(request, context)
        if signedIn == nil && !Prompt.asksForNone(request) {
            // Signing in now is the fresh sign-in prompt=login asks for: come back without it.
            if let parameters = Prompt.asksForLogin(request) {
                return .redirect(BrowserSession.signInURL(next: Prompt.afterSignIn(request, parameters)), status: 303)
            }
            return BrowserSession.signInFirst(request)
        }
        let parameters: Parameters
        do { parameters = try request.queryParameters() } catch {
            throw UnverifiedRedirect(message: "The request is malformed (\(error.description)).", signedIn: signedIn)
        }
        let target = try ClientRedirectCheck.verify(parameters, signedIn: signedIn, context: context)
        let issuer = context.configuration.issuer
        do {
            let authorization = try AuthorizationRequest(parameters, target: target, database: context.database,
                                                         configuration: context.configuration)
            let prompt = try Prompt(parameters)
            guard let signedIn else {
                throw OAuthError(.loginRequired, "nobody is signed in, and prompt=none forbids asking")
            }
            if prompt.needsFreshSignIn(signedInAt: signedIn.signedInAt, now: Clock.now()) {
                // prompt=none with a sign-in older than max_age: asking is forbidden.
                if prompt.none { throw OAuthError(.loginRequired, "the sign-in is older than max_age, and prompt=none forbids asking") }
                return .redirect(Prompt.reauthenticateURL(next: Prompt.afterSignIn(request, parameters)), status: 303)
            }
            if !prompt.consent, target.client.verified,
               let code = try rememberedConsent(authorization, signedIn: signedIn, request, context) {
                return target.redirect(code: code, issuer: issuer)
            }
            if prompt.none {
                throw OAuthError(.consentRequired, "the person has not allowed this app these scopes, and prompt=none forbids asking")
            }
            var response = ConsentPage.response(authorization, signedIn: signedIn)
            response.logClientID = target.client.clientID
            return response
        } catch let error as OAuthError {
            return target.answer(error, issuer: issuer, signedIn: signedIn)
        }
    }

    /// Step 5: the code, issued at once, when consent is remembered; nil when the person must
    /// be asked.
    static func rememberedConsent(_ authorization: AuthorizationRequest, signedIn: SignedIn, _ request: Request,
                                  _ context: Context) throws -> Credential? {
        let target = authorization.target
        let configuration = context.configuration
        return try AuthorizationCodeStore(database: context.database).issueIfRemembered(
            clientID: target.client.clientID, userID: signedIn.user.id, redirectURI: target.redirectURI,
            redirectURIGiven: target.redirectURIGiven, codeChallenge: authorization.codeChallenge,
            scopes: authorization.scopes.map(\.name), resource: authorization.resource.identifier,
            ownResource: configuration.ownResource, state: target.state, nonce: authorization.nonce,
            authTime: signedIn.signedInAt, lifetime: configuration.codeLifetime,
            audit: AuditSource(actor: AuditActor.user(signedIn.user.username), request: request))
    }
}
