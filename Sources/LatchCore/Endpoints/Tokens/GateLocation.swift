/// What a protected location asks of a token at `GET /oauth2/check` (README "Protect your API with latch: the gate"; RFC 6750 §3, RFC 9728 §5.1): its resource and the scopes it
/// requires. nginx names them per location (`set $latch_resource …; set $latch_scope …;` before
/// `include latch-protect.conf`, passed as the FastCGI parameters `LATCH_CHECK_RESOURCE` and
/// `LATCH_CHECK_SCOPE` by latch-check.conf), or a caller gives the query parameters `resource`
/// and `scope` (space-separated). Without them: latch's own API, no required scope.
///
/// It also words the challenges: `401` with `resource_metadata` (the RFC 9728 §3.1 URL of the
/// resource) and `scope` (the required scopes), plus `error="invalid_token"` when a token was
/// sent; `403 insufficient_scope` naming every required scope (the MCP step-up challenge).
struct GateLocation {
    /// The resource identifier, in normal form.
    let resource: String
    let requiredScopes: [String]
    /// Where the resource's metadata is (RFC 9728 §3.1); nil for an identifier without an
    /// authority (e.g. a `urn:`), which has none.
    let metadataURL: String?

    init(_ request: Request, configuration: Configuration) throws {
        let query = try request.queryParameters()
        try query.requireUniqueNames()
        let askedResource = try query.single("resource"), askedScope = try query.single("scope")
        let named = GateLocation.nonEmpty(request.serverVariables["LATCH_CHECK_RESOURCE"]) ?? askedResource
        let scope = GateLocation.nonEmpty(request.serverVariables["LATCH_CHECK_SCOPE"]) ?? askedScope ?? ""
        if let named {
            guard let normal = ResourceIdentifier.normalized(named) else {
                throw OAuthError.invalidRequest("resource must be an absolute URI without a fragment")
            }
            resource = normal
        } else {
            resource = configuration.ownResource
        }
        guard let scopes = ScopeSet.parse(scope) else { throw OAuthError.invalidRequest("scope is malformed") }
        requiredScopes = scopes
        metadataURL = resource.utf8.elementsEqual(configuration.ownResource.utf8)
            ? configuration.ownResourceMetadataURL
            : ResourceIdentifier.metadataURL(of: resource)
    }

    static func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }

    /// Why a request is refused.
    enum Refusal { case noToken, invalidToken, insufficientScope }

    func challenge(_ refusal: Refusal) -> OAuthError {
        var parameters: [(String, String)] = []
        switch refusal {
        case .noToken, .invalidToken:
            if let metadataURL { parameters.append(("resource_metadata", metadataURL)) }
            if !requiredScopes.isEmpty { parameters.append(("scope", ScopeSet.format(requiredScopes))) }
            if refusal == .invalidToken {
                parameters.append(("error", "invalid_token"))
                parameters.append(("error_description", "the access token is invalid, expired, revoked or meant for another resource"))
            }
        case .insufficientScope:
            parameters.append(("error", "insufficient_scope"))
            parameters.append(("scope", ScopeSet.format(requiredScopes)))
            if let metadataURL { parameters.append(("resource_metadata", metadataURL)) }
        }
        let value = "Bearer " + parameters.map { "\($0.0)=\(GateLocation.quoted($0.1))" }.joined(separator: ", ")
        switch refusal {
        case .noToken:
            return OAuthError(.invalidRequest, "a bearer token is required", status: 401, headers: [("WWW-Authenticate", value)])
        case .invalidToken:
            return OAuthError(.invalidToken, "the access token is invalid, expired, revoked or meant for another resource",
                              status: 401, headers: [("WWW-Authenticate", value)])
        case .insufficientScope:
            // nginx's auth_request passes a 401's WWW-Authenticate on by itself but not a 403's:
            // X-Latch-Step-Up carries the same challenge for latch-protect.conf to add.
            return OAuthError(.insufficientScope, "the access token lacks a scope this resource requires",
                              status: 403, headers: [("WWW-Authenticate", value), ("X-Latch-Step-Up", value)])
        }
    }

    /// An RFC 9110 quoted-string: `"` and `\` escaped, anything outside visible ASCII
    /// percent-encoded (`HeaderValue.sanitized`), so a value can never break the header.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in HeaderValue.sanitized(text) {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}
