import ArgumentParser
import LatchCore

struct ScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scope", abstract: "Manage the scopes this deployment defines.",
                                                    subcommands: [ScopeAdd.self, ScopeList.self])
}

struct ScopeAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Define a scope (or change its description).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "the scope token, e.g. profile or files:read") var name: String
    @Option(help: "what granting it means, shown on the consent page") var description: String

    func validate() throws {
        if let problem = ScopeStore.problem(name: name, description: description) { throw ValidationError(problem) }
    }

    func run() throws {
        let database = try global.database()
        try ScopeStore(database: database).upsert(name: name, description: description)
        try AuditLog(database: database).record(.adminScopeAdded, by: .latchctl,
                                                detail: ["scope": .string(name), "description": .string(description)])
        if output.json { Output.json(["name": .string(name), "description": .string(description)]) } else { print("scope \(name) defined") }
    }
}

struct ScopeList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the defined scopes.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let scopes = try ScopeStore(database: try global.database()).all()
        if output.json {
            Output.json(.array(scopes.map { ["name": .string($0.name), "description": .string($0.description)] }))
            return
        }
        Output.table(["NAME", "DESCRIPTION"], scopes.map { [$0.name, $0.description] })
    }
}
