/// `POST /oauth2/tokens` (and `/oauth2/token`): parses the form, refuses duplicates,
/// authenticates the client, then hands the request to the grant of its grant type
/// (`TokenGrants`, one `TokenGrant` per file).
///
/// Each grant is tried first in ONE round trip to PostgreSQL: the statement that issues the
/// tokens also authenticates the client and checks every rule, and acts only when all hold
/// (`TokenGrant.act`). Such an attempt never answers a refusal: when it issued nothing (or the
/// request is not in order), the full path below runs from the start — authenticate, the rate
/// limit, the grant type, then the grant acts again and, when it issues nothing, explains
/// (`TokenGrant.explain`), which alone decides which error the client gets and what a refusal
/// does (burn a code, revoke a grant, audit rows).
public enum TokenEndpoint {
    public static let routes: [Route] = [
        Route("/oauth2/tokens", ["POST": { request, context in try token(request, context) }]),
        Route("/oauth2/token", ["POST": { request, context in try token(request, context) }]),
    ]

    /// When this worker cannot sign (no key-encryption key, no current key: README "OpenID
    /// Connect"), a request whose answer needs a signature (`openid` granted, a resource with
    /// JWT access tokens) must not leave tokens behind that nobody received: the request then
    /// runs in one transaction, rolled back when signing fails, and the answer is `503
    /// temporarily_unavailable` — nothing written, the code not spent. Requests that need no
    /// signature are answered as usual. A worker that can sign pays nothing for this check
    /// (its key ring is cached).
    static func token(_ request: Request, _ context: Context) throws -> Response {
        do {
            if SigningKeyRing.canSign(context) { return try answer(request, context) }
            return try context.database.withTransaction { try answer(request, context) }
        } catch let unavailable as SigningUnavailable {
            throw OAuthError(.temporarilyUnavailable, "tokens cannot be signed right now; try again later", status: 503)
                .causedBy(unavailable.cause)
        }
    }

    static func answer(_ request: Request, _ context: Context) throws -> Response {
        let parameters = try request.formParameters()
        try parameters.requireUniqueNames()
        if request.queryCarriesAccessToken || parameters.contains("access_token") {
            throw OAuthError.invalidRequest("access tokens are never accepted as parameters")
        }
        let presented = try ClientAuthenticator.presented(request, parameters: parameters)
        // A metadata client the settings no longer admit (off, host patterns), even if cached.
        if let refusal = MetadataClients.refusal(of: presented.clientID, context.configuration) {
            throw OAuthError.invalidClient(refusal.description)
        }
        if let issued = try issueAtOnce(parameters, presented, request, context) {
            var response = try TokenEndpoint.response(issued, context)
            response.logClientID = presented.clientID
            return response
        }
        let client = try MetadataClients.current(try ClientAuthenticator(context).verify(presented), context)
        // From here on the client is known: the request log names it, answered or refused.
        do {
            try TokenRateLimit.check(client.client, limit: context.configuration.unverifiedTokensPerMinute,
                                     database: context.database)
            var response = try TokenEndpoint.response(try grant(parameters, client: client, request, context), context)
            response.logClientID = client.client.clientID
            return response
        } catch {
            guard let refusal = error as? OAuthError ?? (error as? HTTPError).map(OAuthError.init) else { throw error }
            var response = refusal.response
            response.logClientID = client.client.clientID
            return response
        }
    }

    /// The grant's one-round-trip attempt; nil when it issued nothing.
    static func issueAtOnce(_ parameters: Parameters, _ presented: PresentedClient, _ request: Request,
                            _ context: Context) throws -> IssuedTokens? {
        guard let grantType = try parameters.single("grant_type"), let grant = TokenGrants.named(grantType) else { return nil }
        let proof: ClientProof
        if let assertion = presented.assertion {
            // private_key_jwt: one statement when this worker holds the client's keys.
            guard let asserted = ClientAssertionKeys.proof(presented, assertion, context) else { return nil }
            proof = asserted
        } else {
            guard let secretOrNone = presented.proof(unverifiedTokensPerMinute: context.configuration.unverifiedTokensPerMinute) else { return nil }
            proof = secretOrNone
        }
        // The audit rows name the client the request presents; they are written only when the
        // statement authenticated it.
        let audit = AuditSource(actor: AuditActor.client(presented.clientID), address: request.remoteAddress)
        let sent = VerifiedClients.proof(proof)
        guard let issued = try grant.attempt(parameters, by: sent, audit: audit, context) else { return nil }
        VerifiedClients.issued(issued, by: sent, context)
        return issued
    }

    /// Hands an authenticated request to the grant of its grant type.
    static func grant(_ parameters: Parameters, client: AuthenticatedClient, _ request: Request,
                      _ context: Context) throws -> IssuedTokens {
        guard let grantType = try parameters.single("grant_type") else {
            throw OAuthError.invalidRequest("grant_type is required")
        }
        guard let grant = TokenGrants.named(grantType) else {
            throw OAuthError(.unsupportedGrantType, "grant_type '\(grantType)' is not supported")
        }
        guard client.client.grantTypes.contains(grantType) else {
            throw OAuthError(.unauthorizedClient, "this client may not use grant_type '\(grantType)'")
        }
        let audit = AuditSource(actor: AuditActor.client(client.client.clientID), address: request.remoteAddress)
        VerifiedClients.remember(client.client.clientID, verified: client.client.verified)
        return try grant.grant(parameters, client: client, audit: audit, context)
    }

    /// The RFC 6749 §5.1 success response, never cached; for a resource that wants them, the
    /// access token as a JWT signed now (`JWTAccessToken`, RFC 9068); with `openid` granted, the
    /// ID token signed now (`IDToken`, OpenID Connect Core §3.1.3.3), its `at_hash` over the
    /// access token actually returned.
    static func response(_ issued: IssuedTokens, _ context: Context) throws -> Response {
        var issued = issued
        do {
            issued.signedAccessToken = try JWTAccessToken.sign(for: issued, context)
            issued.idToken = try IDToken.sign(for: issued, context)
        } catch let error as OAuthError {
            // Not an OAuthError any more, so no refusal path turns it into an answer before
            // `token` rolls back what the statement wrote.
            throw SigningUnavailable(cause: error)
        }
        return response(issued)
    }

    /// The RFC 6749 §5.1 success response, never cached.
    static func response(_ issued: IssuedTokens) -> Response {
        var fields: [(String, JSON)] = [
            ("access_token", .string(issued.accessTokenValue)),
            ("token_type", "Bearer"),
            ("expires_in", .integer(issued.expiresIn)),
        ]
        if let refreshToken = issued.refreshToken { fields.append(("refresh_token", .string(refreshToken.value))) }
        fields.append(("scope", .string(issued.scope)))
        if let idToken = issued.idToken { fields.append(("id_token", .string(idToken))) }
        return .noStoreJSON(.object(fields))
    }
}

extension TokenEndpoint {
    /// A required parameter, or `invalid_request` naming it.
    static func required(_ name: String, in parameters: Parameters) throws -> String {
        guard let value = try parameters.single(name) else { throw OAuthError.invalidRequest("\(name) is required") }
        return value
    }
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

/// Signing the answer failed after the statement issued the tokens (`TokenEndpoint.token`).
struct SigningUnavailable: Error, Sendable {
    let cause: OAuthError
}
