/// What signing in and out does to the database, with the audit rows of those acts — the only
/// place the sign-in layer records: `signin.success` with the session it starts, `signout` with
/// the session it ends, `signin.failure` and `signin.throttled` for a refusal, `user.created`
/// with the account a first trusted `REMOTE_USER` sign-in makes, and `consent.denied` for a
/// consent form's Cancel (`consent.allowed` is recorded with the code it issues, by
/// `AuthorizationCodeStore`). Each act and its row commit together. The actor is the person (`AuditActor.user`), from the request's address.
struct SignInOperations {
    let database: Database
    let request: Request

    private func source(_ username: String?) -> AuditSource {
        AuditSource(actor: username.map(AuditActor.user), request: request)
    }

    /// Starts a session of `lifetime` seconds for `user` (ending `previous`, the browser's
    /// current one) and records `signin.success` with `method` (`password`, `remote_user`).
    func start(_ user: User, method: String, ending previous: SignedIn?, lifetime: Int) throws -> Credential {
        let sessions = SessionStore(database: database)
        return try database.withTransaction {
            if let previous { try sessions.delete(sessionID: previous.sessionID) }
            let session = try sessions.create(userID: user.id, sourceAddress: request.remoteAddress, lifetime: lifetime)
            try AuditLog(database: database).record(.signInSucceeded, by: source(user.username), userID: user.id,
                                                    detail: ["method": .string(method)])
            return session
        }
    }

    /// Ends the session (sign-out) and records `signout`.
    func end(_ signedIn: SignedIn) throws {
        try database.withTransaction {
            try SessionStore(database: database).delete(sessionID: signedIn.sessionID)
            try AuditLog(database: database).record(.signedOut, by: source(signedIn.user.username), userID: signedIn.user.id)
        }
    }

    /// Records a refused sign-in (`signin.failure`, `signin.throttled`). The typed name is
    /// recorded only when it is an account's: people type passwords into the username field,
    /// and a name no account has may be one.
    func refuse(_ event: AuditEvent, username: String, detail: JSON = [:]) throws {
        let account = try UserStore(database: database).find(username: username)
        var detail = detail.objectValue ?? []
        if account == nil {
            detail.append(("reason", "unknown_account"))
        } else if account?.isDisabled == true {
            detail.append(("reason", "account_disabled"))
        } else if event == .signInFailed {
            detail.append(("reason", "wrong_password"))
        }
        try AuditLog(database: database).record(event, by: source(account?.username), userID: account?.id, detail: .object(detail))
    }

    /// Records `consent.denied`: the signed-in person cancelled the consent form of `clientID`
    /// for `scope`.
    func denyConsent(_ signedIn: SignedIn, clientID: String, scope: String) throws {
        try AuditLog(database: database).record(.consentDenied, by: source(signedIn.user.username), userID: signedIn.user.id,
                                                clientID: clientID, detail: ["scope": .string(scope)])
    }

    /// Makes the account a trusted `REMOTE_USER` names on its first sign-in (no password) and
    /// records `user.created`, its own act (`via: remote_user`).
    func provision(_ username: String) throws -> User {
        try database.withTransaction {
            let created = try UserStore(database: database).create(username: username, password: nil, isAdmin: false)
            try AuditLog(database: database).record(.userCreated, by: source(username), userID: created.id, detail: ["via": "remote_user"])
            return created
        }
    }
}
