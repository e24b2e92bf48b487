import ArgumentParser
import LatchCore

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage people who sign in.",
                                                    subcommands: [UserCreate.self, UserList.self, UserDisable.self, UserUnlock.self, UserSetEmail.self])
}

enum UserJSON {
    static func make(_ user: User) -> JSON {
        ["id": .integer(user.id), "username": .string(user.username), "admin": .bool(user.isAdmin),
         "disabled": .bool(user.isDisabled), "created_at": .string(EpochTime.iso8601(user.createdAt))]
    }
}

struct UserCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a user; the password is read from standard input.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "the sign-in name") var name: String
    @Flag(help: "make the user an admin") var admin = false
    @Flag(name: .customLong("password-stdin"), help: "read the password from standard input (required)") var passwordStdin = false
    @Option(help: "the person's email address (the email claim of OpenID Connect)") var email: String?
    @Flag(name: .customLong("email-verified"), help: "vouch that the email is the person's (email_verified: true)") var emailVerified = false

    func validate() throws {
        if let email, !UserStore.isPlausibleEmail(email) { throw ValidationError("'\(email)' is not an email address") }
        if emailVerified && email == nil { throw ValidationError("--email-verified needs --email") }
        guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
        guard UserStore.isValidUsername(name) else { throw ValidationError("'\(name)' is not a valid username (1-200 characters, no control characters)") }
    }

    func run() throws {
        let password = StandardInput.readAll()
        guard password.count >= UserAdministration.minimumPasswordLength else {
            throw ValidationError("the password must be at least \(UserAdministration.minimumPasswordLength) characters")
        }
        let users = try global.users()
        let user = try administering {
            try users.create(username: name, password: password, isAdmin: admin, email: email, emailVerified: emailVerified)
        }
        if global.json {
            Output.json(UserJSON.make(user))
        } else {
            print("created user \(user.username) (id \(user.id)\(user.isAdmin ? ", admin" : ""))")
        }
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let users = try global.users().list()
        if global.json { Output.json(.array(users.map(UserJSON.make))); return }
        Output.table(["ID", "USERNAME", "ADMIN", "DISABLED", "CREATED"], users.map {
            [String($0.id), $0.username, $0.isAdmin ? "yes" : "no", $0.isDisabled ? "yes" : "no", Output.time($0.createdAt)]
        })
    }
}

/// The options of a command about one existing user: the shared ones and the sign-in name.
struct UserTarget: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "the sign-in name") var name: String

    var json: Bool { global.json }

    /// Runs `operation` with the users and this user's name: "no user 'NAME'" (exit 1) when there is none.
    func administer<T>(_ operation: (UserAdministration, String) throws -> T) throws -> T {
        let users = try global.users()
        return try administering(notFound: "user '\(name)'") { try operation(users, name) }
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a user: they cannot sign in, their sessions end and their grants are revoked.")

    @OptionGroup var target: UserTarget

    func run() throws {
        let user = try target.administer { users, name in try users.disable(name) }
        if target.json { Output.json(UserJSON.make(user)) } else { print("disabled user \(user.username)") }
    }
}

struct UserUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Forget a user's failed sign-ins: the waits that follow consecutive failures (up to 24 hours after 100) end now.")

    @OptionGroup var target: UserTarget

    func run() throws {
        let (user, hadFailures) = try target.administer { users, name in try users.unlock(name) }
        if target.json {
            Output.json(["username": .string(user.username), "unlocked": .bool(hadFailures)])
        } else {
            print(hadFailures ? "unlocked user \(user.username)" : "user \(user.username) had no failed sign-ins")
        }
    }
}

struct UserSetEmail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-email",
        abstract: "Set a user's email address (the email claim of OpenID Connect ID tokens and userinfo).")

    @OptionGroup var target: UserTarget
    @Argument(help: "the email address") var email: String
    @Flag(name: .customLong("email-verified"), help: "vouch that the email is the person's (email_verified: true); without it, false") var emailVerified = false

    func validate() throws {
        if !UserStore.isPlausibleEmail(email) { throw ValidationError("'\(email)' is not an email address") }
    }

    func run() throws {
        let user = try target.administer { users, name in try users.setEmail(name, email: email, verified: emailVerified) }
        if target.json {
            Output.json(["username": .string(user.username), "email": .string(email), "email_verified": .bool(emailVerified)])
        } else {
            print("set the email of user \(user.username)\(emailVerified ? " (verified)" : "")")
        }
    }
}
