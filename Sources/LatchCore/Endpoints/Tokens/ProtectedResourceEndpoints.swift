/// `GET /api/v2/users/me` (latch's own API) and `GET /oauth2/check` (the gate, for nginx
/// `auth_request`), README "Protect your API with latch: the gate".
///
/// Both refuse a token meant for another resource (RFC 9700 §2.3, RFC 8707): a token's audience
/// is exactly one resource, compared in normal form byte for byte. The check does its one token
/// lookup (which also reads the client's verified flag) and compares audience and scopes in
/// Swift: no other round trip.
public enum ProtectedResourceEndpoints {
    public static let routes: [Route] = [
        Route("/api/v2/users/me", ["GET": { request, context in try me(request, context) }]),
        Route("/oauth2/check", ["GET": { request, context in try check(request, context) }]),
    ]

    static func me(_ request: Request, _ context: Context) throws -> Response {
        let token = try BearerAuthentication.require(request, context: context)
        guard let userID = token.userID, let username = token.username else {
            // A client_credentials token acts for the client, not for a person: a live token for
            // this resource that cannot reach it (RFC 6750 §3.1 insufficient_scope), the body's
            // error the same as the challenge's.
            let metadata = GateLocation.quoted(context.configuration.ownResourceMetadataURL)
            throw OAuthError(.insufficientScope, "this token does not act for a user", status: 403,
                             headers: [("WWW-Authenticate", "Bearer error=\"insufficient_scope\", resource_metadata=\(metadata)")])
        }
        return .noStoreJSON(["id": .integer(userID), "username": .string(username)])
    }

    /// `204` with who the token acts for, for nginx to pass upstream, when the token is live,
    /// for the location's resource and holds every scope it requires; `401`/`403` with the
    /// RFC 6750 / RFC 9728 challenge otherwise (`GateLocation`).
    static func check(_ request: Request, _ context: Context) throws -> Response {
        let location = try GateLocation(request, configuration: context.configuration)
        guard let presented = request.bearerToken else { throw location.challenge(.noToken) }
        // Read-only: from the standby when one is configured (README "Running latch for real").
        guard let token = try context.reading({ try TokenStore(context, reading: $0).live(presented) }), token.kind == .access,
              token.isFor(location.resource, own: context.configuration.ownResource) else {
            throw location.challenge(.invalidToken)
        }
        guard location.requiredScopes.allSatisfy({ ScopeSet.holds(token.scope, $0) }) else {
            throw location.challenge(.insufficientScope)
        }
        var headers: [(String, String)] = [("Cache-Control", "no-store")]
        // A client's own token (client_credentials) acts for no person: the user headers are
        // there and empty (README "Protect your API with latch: the gate").
        headers.append(("X-Latch-User", token.username.map(HeaderValue.sanitized) ?? ""))
        headers.append(("X-Latch-User-Id", token.userID.map { String($0) } ?? ""))
        headers.append(("X-Latch-Client", token.clientID))
        headers.append(("X-Latch-Client-Verified", token.clientVerified ? "true" : "false"))
        headers.append(("X-Latch-Scope", token.scope))
        headers.append(("X-Latch-Audience", HeaderValue.sanitized(token.audience(own: context.configuration.ownResource))))
        return .empty(204, headers: headers)
    }
}

enum HeaderValue {
    /// Usernames are free text: keep header values to visible ASCII by percent-encoding the rest.
    static func sanitized(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "%") }) { return text }
        var out = ""
        for byte in text.utf8 {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "%") { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }
}
