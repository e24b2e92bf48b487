/// A fully checked authorization request: the pipeline of README "The authorization endpoint"
/// step 3, run after the client and redirect URI are verified (`ClientRedirectCheck`), so
/// every failure here goes back to the client by redirect. The consent form carries the
/// request's own parameters and `POST` runs this same pipeline on them again.
struct AuthorizationRequest {
    let target: RedirectTarget
    let codeChallenge: String
    let scopes: [ScopeStore.Scope]
    /// The resource the code and its tokens are for: the request's, else the default one.
    let resource: Resource
    /// The request's parameters, as received, for the consent form's hidden fields.
    let carried: [(String, String)]
    /// OpenID Connect's `nonce` (Core §3.1.2.1), repeated in the ID token.
    let nonce: String?

    static let carriedNames = ["response_type", "client_id", "redirect_uri", "scope", "state",
                               "code_challenge", "code_challenge_method", "resource", "nonce"]
    /// The longest `nonce` kept (the column's limit).
    static let maximumNonceLength = 512

    init(_ parameters: Parameters, target: RedirectTarget, database: Database, configuration: Configuration) throws {
        // Sent back to the client like every other refusal from here on (an OAuthError).
        do { try parameters.requireUniqueNames() } catch { throw OAuthError(error) }
        self.target = target
        try ResponseTypeCheck.check(parameters, client: target.client)
        codeChallenge = try PKCE.challenge(in: parameters)
        resource = try ResourceCheck.resource(in: parameters, database: database, configuration: configuration)
        scopes = try ScopeCheck.scopes(in: parameters, client: target.client, resource: resource, database: database)
        nonce = try parameters.single("nonce")
        if let nonce, nonce.isEmpty || nonce.utf8.count > AuthorizationRequest.maximumNonceLength {
            throw OAuthError.invalidRequest("nonce must be 1 to \(AuthorizationRequest.maximumNonceLength) characters")
        }
        carried = try AuthorizationRequest.carriedNames.compactMap { name in try parameters.single(name).map { (name, $0) } }
    }

    /// The granted scopes as the wire and the tables spell them.
    var scope: String { ScopeSet.format(scopes.map(\.name)) }
}
