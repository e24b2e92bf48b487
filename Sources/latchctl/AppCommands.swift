import ArgumentParser
import LatchCore

struct AppCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "app", abstract: "Manage OAuth apps (clients).",
                                                    subcommands: [AppCreate.self, AppList.self, AppSecretCommand.self])
}

/// The JSON shape of an app, as the management API shows it.
enum AppJSON {
    static func make(_ client: Client) -> JSON {
        var fields: [(String, JSON)] = [
            ("id", .string(client.clientID)),
            ("name", .string(client.name)),
            ("callback_url", .string(client.callbackURL ?? client.redirectURIs.first ?? "")),
            ("redirect_uris", .array(client.redirectURIs.map { .string($0) })),
        ]
        fields.append(("icon", client.icon.map { .string($0) } ?? .null))
        fields.append(("scope", .string(ScopeSet.format(client.scope))))
        fields.append(("token_endpoint_auth_method", .string(client.tokenEndpointAuthMethod)))
        fields.append(("created_at", .string(EpochTime.iso8601(client.createdAt))))
        return .object(fields)
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

struct AppSecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secret", abstract: "Manage an app's client secrets.",
                                                    subcommands: [AppSecretCreate.self])
}

struct AppSecretCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a client secret; it is printed once and never stored.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "the app's client_id") var app: String

    func run() throws {
        let clients = ClientStore(database: try global.database())
        guard let client = try clients.find(app) else { throw ValidationError("no app '\(app)'") }
        guard !client.isPublic else { throw ValidationError("app '\(app)' is a public client: it has no secrets") }
        let secret = try clients.createSecret(for: client.clientID)
        if output.json {
            Output.json(["id": .string(secret.id), "client_id": .string(client.clientID), "client_secret": .string(secret.value)])
        } else {
            print(secret.value)
        }
    }
}
