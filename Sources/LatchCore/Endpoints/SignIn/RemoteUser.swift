/// Trusted `REMOTE_USER` sign-in (`LATCH_TRUST_REMOTE_USER=true`, off by default), for
/// deployments that already authenticate people in front of nginx.
///
/// nginx hands latch `REMOTE_USER` as a FastCGI parameter; `Request` keeps it as the
/// `x-latch-remote-user` header (a client's own `X-Latch-Remote-User` header is dropped there).
/// The shipped `latch-fastcgi-params.conf` never passes it: a deployment that trusts its front
/// authenticator adds it to the latch-authorize locations itself, e.g. with `auth_request`:
///
///     location = /login {
///         auth_request /sso/check;                        # the front authenticator
///         auth_request_set $sso_user $upstream_http_x_user;
///         include latch-fastcgi-params.conf;
///         fastcgi_param REMOTE_USER $sso_user;
///         fastcgi_pass latch_authorize;
///     }
///
/// (the same for `/oauth2/authorize`), or `auth_basic` with `fastcgi_param REMOTE_USER $remote_user;`.
/// When the setting is off the parameter is ignored whatever nginx sends.
///
/// README "Deployment behind nginx": `REMOTE_USER` counts only on a request that also carries
/// the FastCGI parameter `LATCH_FRONT_SECRET` equal (constant-time) to the secret of
/// `LATCH_FRONT_SECRET_FILE` — which nginx sends from `latch-front-secret.conf`, a file only it
/// reads — so a process that reaches the socket some other way cannot name a user. Start-up
/// refuses `LATCH_TRUST_REMOTE_USER=true` without a secret.
public enum RemoteUser {
    public static let header = "x-latch-remote-user"

    /// The name nginx vouches for, only when the deployment trusts it.
    public static func trustedName(_ request: Request, _ configuration: Configuration) -> String? {
        guard configuration.trustRemoteUser, let expected = configuration.frontSecret,
              let presented = request.frontSecret, ConstantTime.equals(presented, expected),
              let name = request.header(header), !name.isEmpty else { return nil }
        return name
    }

    /// The account of that name, created without a password the first time it signs in
    /// (recorded as `user.created`, in the transaction that creates it). A name it cannot
    /// sign in is the HTML error page (`PageError`).
    static func account(named name: String, database: Database, request: Request) throws -> User {
        guard UserStore.isValidUsername(name) else {
            throw PageError(OAuthError(.invalidRequest, "the name the front authenticator passed is not a valid username"))
        }
        let users = UserStore(database: database)
        var user = try users.find(username: name)
        if user == nil {
            do {
                user = try SignInOperations(database: database, request: request).provision(name)
            } catch let error as DatabaseError where error.isUniqueViolation {
                user = try users.find(username: name)    // created meanwhile by another request
            }
        }
        guard let user, !user.isDisabled else { throw PageError(OAuthError.forbidden("this account is disabled")) }
        return user
    }
}
