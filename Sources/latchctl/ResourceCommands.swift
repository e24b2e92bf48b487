import ArgumentParser
import LatchCore

/// `latchctl resource add|list|show|delete` (README "Clients and admins"; README "Scopes and resources"), by the same
/// rules and audit points as the management API (`ResourceAdministration`).
struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource", abstract: "Manage the protected resources tokens may be issued for (RFC 8707, RFC 9728).",
        discussion: """
            A token's audience is exactly one registered resource; a request naming an unregistered \
            resource is refused with invalid_target. latch's own API (LATCH_RESOURCE, default \
            LATCH_ISSUER) is always registered and accepts every defined scope until you add it \
            with a narrower --scopes. Identifiers are compared after RFC 3986 normalisation.
            """,
        subcommands: [ResourceAdd.self, ResourceList.self, ResourceShow.self, ResourceDelete.self])
}

extension GlobalOptions {
    /// latch's own API from the environment (LATCH_RESOURCE, else LATCH_ISSUER), normalised; empty when neither is set.
    func ownResource() -> String {
        let environment = Environment.current()
        var own = environment["LATCH_RESOURCE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LATCH_ISSUER"] ?? ""
        while own.hasSuffix("/") { own.removeLast() }
        return ResourceIdentifier.normalized(own) ?? own
    }

    func resources() throws -> ResourceAdministration {
        try administration().resources(own: ownResource())
    }
}

struct ResourceAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a protected resource; prints its id.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "the resource identifier URI, e.g. https://api.example.com/files") var uri: String
    @Option(help: "its name, shown on the consent page and in its metadata") var name: String
    @Option(help: "comma-separated scopes it accepts (each defined with latchctl scope add)") var scopes: String
    @Option(name: .customLong("default-scopes"), help: "comma-separated scopes a request that names none gets") var defaultScopes: String?
    @Option(name: .customLong("token-format"), help: "opaque (default) or jwt (RFC 9068)") var tokenFormat = "opaque"
    @Flag(name: .customLong("dpop-required"), help: "tokens for it must be DPoP-bound (RFC 9449)") var dpopRequired = false

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
    }

    func run() throws {
        let resources = try global.resources()
        let created = try administering {
            let input = try ResourceInput.make(identifier: uri, name: name, scopes: Self.list(scopes),
                                               defaultScopes: Self.list(defaultScopes), tokenFormat: tokenFormat,
                                               dpopRequired: dpopRequired, defined: try resources.definedScopes())
            return try resources.create(input)
        }
        if global.json { Output.json(ResourceJSON.make(created, defined: try resources.definedScopes())) } else { print(created.id) }
    }
}

struct ResourceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the registered resources.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let resources = try global.resources()
        let defined = try resources.definedScopes()
        let all = try resources.list()
        if global.json { Output.json(.array(all.map { ResourceJSON.make($0, defined: defined) })); return }
        Output.table(["ID", "RESOURCE", "NAME", "SCOPES", "DEFAULT_SCOPES", "FORMAT", "DPOP"], all.map {
            [$0.id, $0.identifier, $0.name, $0.scopes.map { $0.joined(separator: ",") } ?? "(every defined scope)",
             $0.defaultScopes.joined(separator: ","), $0.tokenFormat.rawValue, $0.dpopRequired ? "required" : "-"]
        })
    }
}

/// The options of a command about one registered resource: the shared ones and its id or identifier URI.
struct ResourceTarget: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "the resource's id (res_…) or identifier URI") var resource: String

    var json: Bool { global.json }

    /// The resources, and this resource among them (by id or identifier URI).
    func find() throws -> (resources: ResourceAdministration, resource: Resource) {
        let resources = try global.resources()
        return (resources, try administering { try resources.resource(resource) })
    }
}

struct ResourceShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one resource (by id or identifier URI).")

    @OptionGroup var target: ResourceTarget

    func run() throws {
        let (resources, resource) = try target.find()
        let defined = try resources.definedScopes()
        if target.json { Output.json(ResourceJSON.make(resource, defined: defined)); return }
        Output.fields([
            ("id", resource.id), ("resource", resource.identifier), ("name", resource.name),
            ("scopes", resource.scopes.map { $0.joined(separator: " ") } ?? "(every defined scope)"),
            ("default_scopes", resource.defaultScopes.isEmpty ? "-" : resource.defaultScopes.joined(separator: " ")),
            ("token_format", resource.tokenFormat.rawValue), ("dpop_required", resource.dpopRequired ? "yes" : "no"),
            ("metadata", ResourceIdentifier.metadataURL(of: resource.identifier) ?? "-"),
            ("created_at", Output.time(resource.createdAt)),
        ])
    }
}

struct ResourceDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a registered resource (by id or identifier URI); tokens for it are no longer issued.")

    @OptionGroup var target: ResourceTarget

    func run() throws {
        let (resources, resource) = try target.find()
        try administering { try resources.delete(resource) }
        if target.json { Output.json(["id": .string(resource.id), "resource": .string(resource.identifier), "deleted": true]) }
        else { print("deleted resource \(resource.identifier)") }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
