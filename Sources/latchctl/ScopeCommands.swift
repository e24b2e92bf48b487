import ArgumentParser
import LatchCore

struct ScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scope", abstract: "Manage the scopes this deployment defines.",
                                                    subcommands: [ScopeAdd.self, ScopeList.self])
}

struct ScopeAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Define a scope (or change its description and whether it is open).",
        discussion: """
            An open scope may be granted to unverified apps (self-registered or metadata-document \
            clients), e.g. an MCP server's mcp:tools; the others only to apps an admin verified. \
            openid and offline_access are always defined and always open.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "the scope token, e.g. profile or files:read") var name: String
    @Option(help: "what granting it means, shown on the consent page (default: the name for a new scope; an existing scope keeps its own)")
    var description: String?
    @Flag(help: "unverified apps may be granted it too (without it: verified apps only)") var open = false

    func validate() throws {
        if let problem = ScopeStore.problem(name: name, description: description) { throw ValidationError(problem) }
    }

    func run() throws {
        let scopes = try global.scopes()
        let scope = try administering { try scopes.define(name: name, description: description, open: open) }
        if global.json { Output.json(["name": .string(name), "description": .string(scope.description), "open": .bool(scope.open)]) }
        else { print("scope \(name) defined" + (scope.open ? " (open)" : "")) }
    }
}

struct ScopeList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the defined scopes.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let scopes = try global.scopes().list()
        if global.json {
            Output.json(.array(scopes.map { ["name": .string($0.name), "description": .string($0.description), "open": .bool($0.open)] }))
            return
        }
        Output.table(["NAME", "OPEN", "DESCRIPTION"], scopes.map { [$0.name, $0.open ? "yes" : "no", $0.description] })
    }
}
