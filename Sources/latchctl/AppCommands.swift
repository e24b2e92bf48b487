import ArgumentParser
import LatchCore

struct AppCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "app", abstract: "Manage OAuth apps (clients).",
                                                    subcommands: [AppCreate.self, AppList.self, AppShow.self, AppDelete.self,
                                                                  AppVerify.self, AppUnverify.self, AppSecretCommand.self])
}

/// The options of a command about one existing app: the shared ones and the app's client_id.
struct AppTarget: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "the app's client_id") var app: String

    var json: Bool { global.json }

    /// The apps, and this app among them.
    func find() throws -> (apps: AppAdministration, client: Client) {
        try administer { apps, clientID in (apps, try apps.app(clientID)) }
    }

    /// Runs `operation` with the apps and this app's client_id: "no app 'ID'" (exit 1) when there is none.
    func administer<T>(_ operation: (AppAdministration, String) throws -> T) throws -> T {
        let apps = try global.apps()
        return try administering(notFound: "app '\(app)'") { try operation(apps, app) }
    }
}

struct AppCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an app; prints its client_id.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "display name shown on the consent page") var name: String
    @Option(name: .customLong("callback-url"), help: "redirect URI (repeat for several)") var callbackURLs: [String]
    @Option(help: "space-separated scopes the app may request (default: any defined scope)") var scope: String?
    @Option(help: "icon URL shown on the consent page") var icon: String?
    @Flag(help: "a public client (native, SPA): no secret, PKCE only") var `public` = false
    @Flag(name: .customLong("client-credentials"), help: "also allow the client_credentials grant") var clientCredentials = false

    func validate() throws {
        guard !callbackURLs.isEmpty else { throw ValidationError("give at least one --callback-url") }
        if `public` && clientCredentials { throw ValidationError("a public client cannot use client_credentials") }
    }

    /// The same rules, storage and audit as the management API and the console
    /// (`AppAdministration`, `AppInput`): a name, URI or icon they refuse is refused here too.
    func run() throws {
        let client: Client
        do {
            client = try global.apps().create(
                name: name, redirectURIs: callbackURLs, icon: icon, scope: scope, isPublic: `public`,
                clientCredentials: clientCredentials)
        } catch let error as OAuthError where error.status == 400 {
            // A field the rules refuse is a usage mistake (exit 64), as before.
            throw ValidationError(error.description)
        }
        if global.json { Output.json(AppJSON.make(client)) } else { print(client.clientID) }
    }
}

struct AppList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List apps.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let clients = try global.apps().list()
        if global.json { Output.json(.array(clients.map(AppJSON.make))); return }
        Output.table(["CLIENT_ID", "NAME", "ORIGIN", "VERIFIED", "AUTH", "SCOPE", "REDIRECT_URIS"], clients.map {
            [$0.clientID, $0.name, $0.origin.rawValue, $0.verified ? "yes" : "no", $0.tokenEndpointAuthMethod,
             ScopeSet.format($0.scope), $0.redirectURIs.joined(separator: " ")]
        })
    }
}

struct AppShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one app: the management API's fields (origin and verified included) plus its secrets.")

    @OptionGroup var target: AppTarget

    func run() throws {
        let (apps, client) = try target.find()
        let secrets = try apps.secrets(of: client)
        if target.json {
            var fields = AppJSON.make(client).objectValue ?? []
            fields.append(("secrets", .array(secrets.map(AppJSON.secret))))
            Output.json(.object(fields))
            return
        }
        Output.fields([
            ("client_id", client.clientID), ("name", client.name), ("redirect_uris", client.redirectURIs.joined(separator: " ")),
            ("icon", client.icon ?? "-"), ("scope", !client.scope.isEmpty ? ScopeSet.format(client.scope)
                                                              : client.verified ? "(any defined scope)" : "(any open scope: unverified)"),
            ("auth_method", client.tokenEndpointAuthMethod), ("grant_types", client.grantTypes.joined(separator: " ")),
            ("origin", client.origin.rawValue), ("verified", client.verified ? "yes" : "no"),
            ("created_at", Output.time(client.createdAt)),
            ("secrets", secrets.isEmpty ? "-" : secrets.map(\.truncated).joined(separator: " ")),
        ])
    }
}

struct AppDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an app with its secrets, codes, grants and tokens (they stop working at once).")

    @OptionGroup var target: AppTarget

    func run() throws {
        try target.administer { apps, clientID in try apps.delete(clientID) }
        if target.json { Output.json(["id": .string(target.app), "deleted": true]) } else { print("deleted app \(target.app)") }
    }
}

/// `latchctl app verify|unverify ID` (README "The client trust model"): through
/// `AppAdministration.setVerified`, as the management API's `PUT {"verified": …}` and the
/// console's button.
struct AppVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an app: vouch for a dynamically registered or metadata client.",
        discussion: """
            A verified app may use client_credentials, get every scope (not only the open ones),             introspect other clients' tokens, get its authorization errors by redirect, show its logo             and have consent remembered. Nothing else about the app changes.
            """)

    @OptionGroup var target: AppTarget

    func run() throws { try AppVerify.set(target, verified: true) }

    static func set(_ target: AppTarget, verified: Bool) throws {
        let client = try target.administer { apps, clientID in try apps.setVerified(clientID, verified) }
        if target.json { Output.json(AppJSON.make(client)) }
        else { print("\(verified ? "verified" : "unverified") app \(client.clientID) (\(client.origin.rawValue))") }
    }
}

struct AppUnverify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unverify",
        abstract: "Take back an app's verification (a dynamic or metadata client; admin apps are always verified).")

    @OptionGroup var target: AppTarget

    func run() throws { try AppVerify.set(target, verified: false) }
}

struct AppSecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secret", abstract: "Manage an app's client secrets.",
                                                    subcommands: [AppSecretCreate.self, AppSecretList.self, AppSecretDelete.self])
}

struct AppSecretCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a client secret; it is printed once and never stored.")

    @OptionGroup var target: AppTarget

    func run() throws {
        let (apps, client) = try target.find()
        let secret: Credential
        do {
            secret = try apps.createSecret(for: client)
        } catch let error as OAuthError where error.code == .invalidRequest && client.isPublic {
            throw CommandFailure("app '\(client.clientID)' is a public client: it has no secrets")
        }
        if target.json { Output.json(["id": .string(secret.id), "client_id": .string(client.clientID), "client_secret": .string(secret.value)]) }
        else { print(secret.value) }
    }
}

struct AppSecretList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an app's secrets by prefix (never the secrets).")

    @OptionGroup var target: AppTarget

    func run() throws {
        let (apps, client) = try target.find()
        let secrets = try apps.secrets(of: client)
        if target.json { Output.json(.array(secrets.map(AppJSON.secret))); return }
        Output.table(["ID", "SECRET", "CREATED", "LAST_USED"], secrets.map {
            [$0.id, $0.truncated, Output.time($0.createdAt), Output.time($0.lastUsedAt)]
        })
    }
}

struct AppSecretDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a client secret; it stops working at once.")

    @OptionGroup var target: AppTarget
    @Argument(help: "the secret's id (as app secret list shows it)") var secret: String

    func run() throws {
        let (apps, client) = try target.find()
        try administering(notFound: "secret '\(secret)' of app '\(client.clientID)'") { try apps.deleteSecret(secret, of: client) }
        if target.json { Output.json(["id": .string(secret), "client_id": .string(client.clientID), "deleted": true]) }
        else { print("deleted secret \(secret) of app \(client.clientID)") }
    }
}
