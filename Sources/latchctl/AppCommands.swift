import ArgumentParser
import LatchCore

struct AppCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "app", abstract: "Manage OAuth apps (clients).",
                                                    subcommands: [AppCreate.self, AppList.self, AppShow.self, AppDelete.self,
                                                                  AppSecretCommand.self])
}

/// Options naming an existing app.
struct AppArgument: ParsableArguments {
    @Argument(help: "the app's client_id") var app: String

    func find(in database: Database) throws -> Client {
        guard let client = try ClientStore(database: database).find(app) else { throw CommandFailure.notFound("app '\(app)'") }
        return client
    }
}

struct AppCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an app; prints its client_id.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "display name shown on the consent page") var name: String
    @Option(name: .customLong("callback-url"), help: "redirect URI (repeat for several)") var callbackURLs: [String]
    @Option(help: "space-separated scopes the app may request (default: any defined scope)") var scope: String?
    @Option(help: "icon URL shown on the consent page") var icon: String?
    @Flag(help: "a public client (native, SPA): no secret, PKCE only") var `public` = false
    @Flag(name: .customLong("client-credentials"), help: "also allow the client_credentials grant") var clientCredentials = false

    func validate() throws {
        guard !callbackURLs.isEmpty else { throw ValidationError("give at least one --callback-url") }
        for uri in callbackURLs {
            if let problem = RedirectURI.problem(uri) { throw ValidationError("--callback-url \(uri): \(problem.description)") }
        }
        if let scope, ScopeSet.parse(scope) == nil { throw ValidationError("--scope is not a valid scope list") }
        if `public` && clientCredentials { throw ValidationError("a public client cannot use client_credentials") }
    }

    func run() throws {
        let database = try global.database()
        let scopes = ScopeSet.parse(scope ?? "") ?? []
        let defined = try ScopeStore(database: database).names()
        for s in scopes where !defined.contains(s) { throw ValidationError("scope '\(s)' is not defined; add it with latchctl scope add") }
        var grants = ["authorization_code", "refresh_token"]
        if clientCredentials { grants.append("client_credentials") }
        let client = try ClientStore(database: database).insert(Client(
            clientID: ClientStore.newClientID(), name: name, icon: icon, callbackURL: callbackURLs[0], redirectURIs: callbackURLs,
            scope: scopes, tokenEndpointAuthMethod: `public` ? "none" : "client_secret_basic", grantTypes: grants,
            responseTypes: ["code"], origin: .admin, metadata: [:], createdAt: 0))
        try AuditLog(database: database).record(.clientRegistered, by: .latchctl, clientID: client.clientID,
                                                detail: client.auditDetail(via: "latchctl"))
        if output.json { Output.json(AppJSON.make(client)) } else { print(client.clientID) }
    }
}

struct AppList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List apps.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let clients = try ClientStore(database: try global.database()).list()
        if output.json { Output.json(.array(clients.map(AppJSON.make))); return }
        Output.table(["CLIENT_ID", "NAME", "AUTH", "SCOPE", "REDIRECT_URIS"], clients.map {
            [$0.clientID, $0.name, $0.tokenEndpointAuthMethod, ScopeSet.format($0.scope), $0.redirectURIs.joined(separator: " ")]
        })
    }
}

struct AppShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one app: the management API's fields plus grant types, origin and secrets.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var target: AppArgument

    func run() throws {
        let database = try global.database()
        let client = try target.find(in: database)
        let secrets = try ClientStore(database: database).secrets(of: client.clientID)
        if output.json {
            var fields = AppJSON.make(client).objectValue ?? []
            fields.append(("grant_types", .array(client.grantTypes.map { .string($0) })))
            fields.append(("origin", .string(client.origin.rawValue)))
            fields.append(("secrets", .array(secrets.map(AppJSON.secret))))
            Output.json(.object(fields))
            return
        }
        Output.fields([
            ("client_id", client.clientID), ("name", client.name), ("redirect_uris", client.redirectURIs.joined(separator: " ")),
            ("icon", client.icon ?? "-"), ("scope", client.scope.isEmpty ? "(any defined scope)" : ScopeSet.format(client.scope)),
            ("auth_method", client.tokenEndpointAuthMethod), ("grant_types", client.grantTypes.joined(separator: " ")),
            ("origin", client.origin.rawValue), ("created_at", Output.time(client.createdAt)),
            ("secrets", secrets.isEmpty ? "-" : secrets.map(\.truncated).joined(separator: " ")),
        ])
    }
}

struct AppDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an app with its secrets, codes, grants and tokens (they stop working at once).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var target: AppArgument

    func run() throws {
        let database = try global.database()
        guard try ClientStore(database: database).delete(target.app) else { throw CommandFailure.notFound("app '\(target.app)'") }
        try AuditLog(database: database).record(.clientDeleted, by: .latchctl, clientID: target.app, detail: ["via": "latchctl"])
        if output.json { Output.json(["id": .string(target.app), "deleted": true]) } else { print("deleted app \(target.app)") }
    }
}

struct AppSecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secret", abstract: "Manage an app's client secrets.",
                                                    subcommands: [AppSecretCreate.self, AppSecretList.self, AppSecretDelete.self])
}

struct AppSecretCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a client secret; it is printed once and never stored.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var target: AppArgument

    func run() throws {
        let database = try global.database()
        let client = try target.find(in: database)
        guard !client.isPublic else { throw CommandFailure("app '\(client.clientID)' is a public client: it has no secrets") }
        let secret = try ClientStore(database: database).createSecret(for: client.clientID)
        try AuditLog(database: database).record(.secretCreated, by: .latchctl, clientID: client.clientID,
                                                detail: ["secret_id": .string(secret.id)])
        if output.json {
            Output.json(["id": .string(secret.id), "client_id": .string(client.clientID), "client_secret": .string(secret.value)])
        } else {
            print(secret.value)
        }
    }
}

struct AppSecretList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an app's secrets by prefix (never the secrets).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var target: AppArgument

    func run() throws {
        let database = try global.database()
        let client = try target.find(in: database)
        let secrets = try ClientStore(database: database).secrets(of: client.clientID)
        if output.json { Output.json(.array(secrets.map(AppJSON.secret))); return }
        Output.table(["ID", "SECRET", "CREATED", "LAST_USED"], secrets.map {
            [$0.id, $0.truncated, Output.time($0.createdAt), Output.time($0.lastUsedAt)]
        })
    }
}

struct AppSecretDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a client secret; it stops working at once.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var target: AppArgument
    @Argument(help: "the secret's id (as app secret list shows it)") var secret: String

    func run() throws {
        let database = try global.database()
        let client = try target.find(in: database)
        guard try ClientStore(database: database).deleteSecret(secret, of: client.clientID) else {
            throw CommandFailure.notFound("secret '\(secret)' of app '\(client.clientID)'")
        }
        try AuditLog(database: database).record(.secretRevoked, by: .latchctl, clientID: client.clientID,
                                                detail: ["secret_id": .string(secret)])
        if output.json { Output.json(["id": .string(secret), "client_id": .string(client.clientID), "deleted": true]) }
        else { print("deleted secret \(secret) of app \(client.clientID)") }
    }
}
