/// `GET /oauth2/authorize` (the request and the consent page) and `POST /oauth2/authorize`
/// (the consent form), in the order of CONTRACT "Authorization endpoint":
/// 1. nobody signed in: `303` to `/login?next=…`;
/// 2. unknown client or unregistered redirect URI: `400` HTML page, never a redirect
///    (`ClientRedirectCheck`);
/// 3. every other error: back to the client by redirect with `error`, `error_description`,
///    `state` and `iss` (`AuthorizationRequest`);
/// 4. the consent page (`ConsentPage`); its form is decided by `ConsentDecision`.
public enum AuthorizeEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/authorize", ["GET": { request, context in try show(request, context) },
                                    "POST": { request, context in try ConsentDecision.decide(request, context) }]),
    ]

    static func show(_ request: Request, _ context: Context) throws -> Response {
        guard let signedIn = try BrowserSession.current(request, context) else {
            return BrowserSession.signInFirst(request)
        }
        let target: RedirectTarget
        let parameters: Parameters
        do {
            parameters = try request.queryParameters()
            target = try ClientRedirectCheck.verify(parameters, database: context.database)
        } catch let error as HTTPError {
            return UnverifiedRedirect(message: "The request is malformed (\(error.description)).").response(signedIn: signedIn)
        } catch let error as UnverifiedRedirect {
            return error.response(signedIn: signedIn)
        }
        do {
            let authorization = try AuthorizationRequest(parameters, target: target, database: context.database,
                                                         configuration: context.configuration)
            var response = ConsentPage.response(authorization, signedIn: signedIn)
            response.logClientID = target.client.clientID
            return response
        } catch let error as OAuthError {
            return target.redirect(error, issuer: context.configuration.issuer)
        }
    }
}
