import ArgumentParser
import LatchCore

struct AdminTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token", abstract: "Manage bearer tokens for the management API.",
        subcommands: [AdminTokenCreate.self, AdminTokenList.self, AdminTokenRevoke.self])
}

enum AdminTokenJSON {
    static func make(_ token: AdminToken) -> JSON {
        ["id": .string(token.id), "name": .string(token.name), "token_truncated": .string(token.truncated),
         "created_at": .string(EpochTime.iso8601(token.createdAt)), "last_used_at": Output.optionalTime(token.lastUsedAt),
         "revoked_at": Output.optionalTime(token.revokedAt)]
    }
}

struct AdminTokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an admin token; it is printed once and never stored.",
        discussion: "Use it as 'Authorization: Bearer <token>' on /api/v2/oauth2-provider/apps… (and on /oauth2/register when LATCH_REGISTRATION=admin).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "what the token is for, e.g. deploy-bot") var name: String

    func validate() throws {
        guard AdminTokenAdministration.nameLengths.contains(name.count) else { throw ValidationError("the name must be 1-200 characters") }
    }

    func run() throws {
        let tokens = try global.adminTokens()
        let (token, info) = try administering { try tokens.create(name: name) }
        if global.json {
            var fields = AdminTokenJSON.make(info).objectValue ?? []
            fields.append(("token", .string(token.value)))
            Output.json(.object(fields))
        } else {
            print(token.value)
        }
    }
}

struct AdminTokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List admin tokens (never the tokens themselves).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let tokens = try global.adminTokens().list()
        if global.json { Output.json(.array(tokens.map(AdminTokenJSON.make))); return }
        Output.table(["ID", "NAME", "CREATED", "LAST_USED", "REVOKED"], tokens.map {
            [$0.id, $0.name, Output.time($0.createdAt), Output.time($0.lastUsedAt), Output.time($0.revokedAt)]
        })
    }
}

struct AdminTokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an admin token; it stops working at once.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "the token's id (as admin-token list shows it)") var id: String

    func run() throws {
        let tokens = try global.adminTokens()
        try administering(notFound: "admin token '\(id)'") { try tokens.revoke(id) }
        if global.json { Output.json(["id": .string(id), "revoked": true]) } else { print("revoked admin token \(id)") }
    }
}
