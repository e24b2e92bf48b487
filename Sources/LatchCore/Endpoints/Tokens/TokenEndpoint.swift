/// `POST /oauth2/tokens` (and `/oauth2/token`): parses the form, refuses duplicates,
/// authenticates the client, then hands the request to the handler of its grant type.
///
/// Each grant is tried first in ONE round trip to PostgreSQL: the statement that issues the
/// tokens also authenticates the client and checks every rule, and acts only when all hold
/// (`issueAtOnce`, `rotateAtOnce`, `exchangeAtOnce`). Such an attempt never answers a refusal:
/// when it issued nothing (or the request is not in order), the full path below runs from the
/// start — authenticate, then the grant's own checks — and it alone decides which error the
/// client gets and what a refusal does (burn a code, revoke a grant, audit rows). So the
/// one-trip statements need only be at least as strict as the full path, never the judge.
public enum TokenEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/tokens", ["POST": { request, context in try token(request, context) }]),
        Route("/oauth2/token", ["POST": { request, context in try token(request, context) }]),
    ]

    /// One handler per grant type; each lives in its own file.
    typealias GrantHandler = (TokenRequest, Context) throws -> IssuedTokens

    /// A grant's one-round-trip attempt: tokens, or nil when the full path must decide.
    typealias OneTripHandler = (OneTripTokenRequest, Context) throws -> IssuedTokens?

    static func oneTripHandler(for grantType: String) -> OneTripHandler? {
        switch grantType {
        case "authorization_code": return AuthorizationCodeGrant.exchangeAtOnce
        case "refresh_token": return RefreshTokenGrant.rotateAtOnce
        case "client_credentials": return ClientCredentialsGrant.issueAtOnce
        default: return nil
        }
    }

    static func handler(for grantType: String) -> GrantHandler? {
        switch grantType {
        case "authorization_code": return AuthorizationCodeGrant.exchange
        case "refresh_token": return RefreshTokenGrant.rotate
        case "client_credentials": return ClientCredentialsGrant.issue
        default: return nil
        }
    }

    static func token(_ request: Request, _ context: Context) throws -> Response {
        do {
            let parameters = try request.formParameters()
            try parameters.requireUniqueNames()
            if request.query.contains("access_token=") || parameters.contains("access_token") {
                throw OAuthError.invalidRequest("access tokens are never accepted as parameters")
            }
            let presented = try ClientAuthenticator.presented(request, parameters: parameters)
            if let issued = try issueAtOnce(parameters, presented, request, context) {
                var response = issued.response
                response.logClientID = presented.clientID
                return response
            }
            let client = try ClientAuthenticator(database: context.database).verify(presented)
            // From here on the client is known: the request log names it, answered or refused.
            do {
                try TokenRateLimit.check(client.client, limit: context.configuration.unverifiedTokensPerMinute,
                                         database: context.database)
                var response = try grant(parameters, client: client, request, context).response
                response.logClientID = client.client.clientID
                return response
            } catch {
                guard let refusal = error as? OAuthError ?? (error as? HTTPError).map(OAuthError.init) else { throw error }
                var response = refusal.response
                response.logClientID = client.client.clientID
                return response
            }
        }
    }

    /// The grant's one-round-trip attempt; nil when it issued nothing. A conflict PostgreSQL
    /// asks to retry is left to the full path, which retries.
    static func issueAtOnce(_ parameters: Parameters, _ presented: PresentedClient, _ request: Request,
                            _ context: Context) throws -> IssuedTokens? {
        guard let grantType = try parameters.single("grant_type"), let attempt = oneTripHandler(for: grantType) else { return nil }
        let oneTrip = OneTripTokenRequest(parameters: parameters, client: presented,
                                          auditSource: AuditSource(actor: AuditActor.client(presented.clientID),
                                                                   address: request.remoteAddress))
        do {
            return try attempt(oneTrip, context)
        } catch let error as DatabaseError where error.isSerializationFailure {
            return nil
        }
    }

    /// Hands an authenticated request to the handler of its grant type.
    static func grant(_ parameters: Parameters, client: AuthenticatedClient, _ request: Request,
                      _ context: Context) throws -> IssuedTokens {
        guard let grantType = try parameters.single("grant_type") else {
            throw OAuthError.invalidRequest("grant_type is required")
        }
        guard let handler = handler(for: grantType) else {
            throw OAuthError(.unsupportedGrantType, "grant_type '\(grantType)' is not supported")
        }
        guard client.client.grantTypes.contains(grantType) else {
            throw OAuthError(.unauthorizedClient, "this client may not use grant_type '\(grantType)'")
        }
        let tokenRequest = TokenRequest(parameters: parameters, client: client, remoteAddress: request.remoteAddress)
        return try handler(tokenRequest, context)
    }
}

/// A token request whose client is authenticated.
public struct TokenRequest {
    public let parameters: Parameters
    public let client: AuthenticatedClient
    public let remoteAddress: String

    /// The client acting, from the request's address: who the audit rows of this request name.
    public var auditSource: AuditSource {
        AuditSource(actor: AuditActor.client(client.client.clientID), address: remoteAddress)
    }

    /// A required parameter, or `invalid_request` naming it.
    public func required(_ name: String) throws -> String { try TokenRequest.required(name, in: parameters) }

    static func required(_ name: String, in parameters: Parameters) throws -> String {
        guard let value = try parameters.single(name) else { throw OAuthError.invalidRequest("\(name) is required") }
        return value
    }
}

/// A token request whose client is not yet authenticated: what a one-round-trip attempt
/// works from (the statement authenticates the client).
public struct OneTripTokenRequest {
    public let parameters: Parameters
    public let client: PresentedClient
    /// The audit rows name the client the request presents; they are written only when the
    /// statement authenticated it.
    public let auditSource: AuditSource
}

/// The `scope` and `resource` a token request asks for (RFC 6749 §3.3, RFC 8707 §2.2), checked
/// without the database: the scopes parsed, duplicates removed (nil when none were asked for);
/// the resource an absolute URI without a fragment (`invalid_target` otherwise), in normal form
/// (`ResourceIdentifier`), nil when none was named. Whether it is registered is checked by the
/// statement that issues the tokens.
struct AskedScopeAndResource {
    let scopes: [String]?
    let resource: String?

    init(_ parameters: Parameters) throws {
        if let requested = try parameters.single("scope") {
            scopes = try ScopeSet.parseRequested(requested)
        } else {
            scopes = nil
        }
        if let requested = try parameters.single("resource") {
            guard let normal = ResourceIdentifier.normalized(requested) else {
                throw OAuthError(.invalidTarget, "resource must be an absolute URI without a fragment")
            }
            resource = normal
        } else if parameters.contains("resource") {
            throw OAuthError(.invalidTarget, "resource must be an absolute URI without a fragment")
        } else {
            resource = nil
        }
    }
}
