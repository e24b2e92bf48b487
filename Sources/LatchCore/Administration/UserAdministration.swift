/// What an admin does to the people who sign in (`latchctl user`): one set of rules
/// (`UserStore.isValidUsername`, a password of at least 8 characters), one store, the audit
/// rows (`user.created`, `user.disabled`, `user.updated`) committed with the act.
public struct UserAdministration {
    let database: Database
    /// Who acts, from where and through which door (for the audit trail).
    let actor: AdminActor

    /// The shortest password an admin may set.
    public static let minimumPasswordLength = 8

    public func list() throws -> [User] { try UserStore(database: database).list() }

    /// The account of this name, else 404.
    public func user(_ username: String) throws -> User {
        guard let user = try UserStore(database: database).find(username: username) else { throw OAuthError.notFound("no such user") }
        return user
    }

    /// A new account with a password. A name `UserStore.isValidUsername` refuses, a short
    /// password or a name already taken: `invalid_request`.
    public func create(username: String, password: String, isAdmin: Bool, email: String? = nil,
                       emailVerified: Bool = false) throws -> User {
        if let email, !UserStore.isPlausibleEmail(email) {
            throw OAuthError.invalidRequest("'\(email)' is not an email address (3-320 characters, one @, no spaces)")
        }
        guard UserStore.isValidUsername(username) else {
            throw OAuthError.invalidRequest("'\(username)' is not a valid username (1-200 characters, no control characters)")
        }
        guard password.count >= UserAdministration.minimumPasswordLength else {
            throw OAuthError.invalidRequest("the password must be at least \(UserAdministration.minimumPasswordLength) characters")
        }
        let users = UserStore(database: database)
        if try users.find(username: username) != nil { throw OAuthError.invalidRequest("user '\(username)' already exists") }
        return try database.withTransaction {
            let user = try users.create(username: username, password: password, isAdmin: isAdmin)
            if let email { try users.setEmail(userID: user.id, email: email, verified: emailVerified) }
            var detail: [(String, JSON)] = [("username", .string(user.username)), ("admin", .bool(user.isAdmin))]
            if email != nil { detail.append(("email_set", true)) }
            try actor.record(.userCreated, in: database, userID: user.id, detail: .object(detail))
            return user
        }
    }

    /// Disables the account: it cannot sign in, its sessions end and its grants are revoked.
    /// An unknown name is `404`.
    @discardableResult
    public func disable(_ username: String) throws -> User {
        let users = UserStore(database: database)
        try database.withTransaction {
            guard let disabled = try users.disable(username: username) else { throw OAuthError.notFound("no such user") }
            try actor.record(.userDisabled, in: database, userID: disabled.userID,
                             detail: ["username": .string(username), "session_count": .integer(disabled.sessionCount),
                                      "grant_count": .integer(disabled.grantCount)])
        }
        return try user(username)
    }

    /// Sets the account's email address (the `email` claim of OpenID Connect, README "OpenID
    /// Connect"), and whether the admin vouches it is the person's (`email_verified`). An
    /// address `UserStore.isPlausibleEmail` refuses: `invalid_request`; an unknown name: `404`.
    /// Audited as `user.updated` (whether it is verified, not the address).
    @discardableResult
    public func setEmail(_ username: String, email: String, verified: Bool) throws -> User {
        guard UserStore.isPlausibleEmail(email) else {
            throw OAuthError.invalidRequest("'\(email)' is not an email address (3-320 characters, one @, no spaces)")
        }
        let user = try user(username)
        try database.withTransaction {
            try UserStore(database: database).setEmail(userID: user.id, email: email, verified: verified)
            try actor.record(.userUpdated, in: database, userID: user.id,
                             detail: ["username": .string(user.username), "email_set": true, "email_verified": .bool(verified)])
        }
        return user
    }

    /// Forgets the account's failed sign-ins (`SignInLockout`): the waits end now. Returns
    /// whether it had any. An unknown name is `404`.
    public func unlock(_ username: String) throws -> (user: User, hadFailures: Bool) {
        let user = try user(username)
        return try database.withTransaction {
            let hadFailures = try SignInLockout.unlock(username: user.username, database: database)
            try actor.record(.userUpdated, in: database, userID: user.id,
                             detail: ["username": .string(user.username), "signin": "unlocked"])
            return (user, hadFailures)
        }
    }
}
