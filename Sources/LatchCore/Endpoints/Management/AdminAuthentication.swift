/// Admin authentication for the management API and admins-only registration
/// (README "Clients and admins"): an admin token, or an admin user's session with its CSRF token
/// on every state-changing request (`X-CSRF-Token` header or a `csrf_token` field).
///
/// No credential, or one that is not valid: 401. A valid credential of someone who is not an
/// admin, or a session request without the right CSRF token: 403.
public enum AdminAuthentication {
    public static func require(_ request: Request, _ context: Context) throws -> Administrator {
        if let header = request.header("authorization"), !header.isEmpty {
            guard let presented = request.bearerToken,
                  let token = try AdminTokenStore(database: context.database).authenticate(presented) else {
                throw unauthorized(credentialWasSent: true)
            }
            return Administrator(proof: .adminToken(id: token.id, name: token.name))
        }
        // BrowserSession: with a trusted REMOTE_USER, a session of anyone else does not count.
        guard let signedIn = try BrowserSession.current(request, context) else {
            throw unauthorized(credentialWasSent: SessionCookie.isPresent(request, context.configuration))
        }
        guard signedIn.user.isAdmin else { throw OAuthError.forbidden("this needs an admin") }
        if !["GET", "HEAD", "OPTIONS"].contains(request.method) {
            guard signedIn.isValidCSRF(submittedCSRFToken(request)) else {
                throw OAuthError.forbidden("missing or wrong CSRF token (send the X-CSRF-Token header)")
            }
        }
        return Administrator(proof: .session(userID: signedIn.user.id, username: signedIn.user.username))
    }

    /// The admin the request authenticates (`require`), as the actor of the management API's
    /// operations (`AppAdministration`, `ResourceAdministration`).
    static func actor(_ request: Request, _ context: Context) throws -> AdminActor {
        AdminActor(try require(request, context), request: request, via: "management_api")
    }

    /// The CSRF token of a state-changing request: the `X-CSRF-Token` header, else a `csrf_token`
    /// form field or top-level JSON member.
    static func submittedCSRFToken(_ request: Request) -> String? {
        if let header = request.header("x-csrf-token"), !header.isEmpty { return header }
        switch request.mediaType {
        case "application/x-www-form-urlencoded":
            return (try? request.formParameters().single("csrf_token")) ?? nil
        case "application/json":
            return (try? JSON.parse(request.body))?["csrf_token"]?.stringValue
        default:
            return nil
        }
    }

    static func unauthorized(credentialWasSent: Bool) -> OAuthError {
        var challenge = "Bearer realm=\"latch\""
        if credentialWasSent { challenge += ", error=\"invalid_token\"" }
        return OAuthError(.invalidToken, credentialWasSent ? "the admin credential is invalid, expired or revoked"
                                                           : "an admin token or an admin's session is required",
                          status: 401, headers: [("WWW-Authenticate", challenge)])
    }
}
