import ArgumentParser
import LatchCore

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage people who sign in.",
                                                    subcommands: [UserCreate.self])
}

struct UserCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a user; the password is read from standard input.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "the sign-in name") var name: String
    @Flag(help: "make the user an admin") var admin = false
    @Flag(name: .customLong("password-stdin"), help: "read the password from standard input (required)") var passwordStdin = false

    func validate() throws {
        guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
        guard UserStore.isValidUsername(name) else { throw ValidationError("'\(name)' is not a valid username (1-200 characters, no control characters)") }
    }

    func run() throws {
        let password = StandardInput.readAll()
        guard password.count >= 8 else { throw ValidationError("the password must be at least 8 characters") }
        let database = try global.database()
        let users = UserStore(database: database)
        if try users.find(username: name) != nil { throw ValidationError("user '\(name)' already exists") }
        let user = try users.create(username: name, password: password, isAdmin: admin)
        if output.json {
            Output.json(["id": .integer(user.id), "username": .string(user.username), "admin": .bool(user.isAdmin)])
        } else {
            print("created user \(user.username) (id \(user.id)\(user.isAdmin ? ", admin" : ""))")
        }
    }
}
