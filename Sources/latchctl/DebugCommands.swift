import ArgumentParser
import LatchCore
import Glibc

/// `latchctl debug …`: what developers need, never an operator.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Developer tools (no database needed).",
        subcommands: [BenchSQL.self]
    )
}

/// `latchctl debug bench-sql [--write DIR]`
struct BenchSQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sql",
        abstract: "Print (or write) the pgbench scripts of bench/sql/ that latch generates from its own token statements.",
        discussion: """
            Each script is the statement latch sends, its binds replaced by the pgbench expressions the bench \
            harness needs (bench/harness). With --write, one file per script in DIR (bench/sql in the repository).
            """
    )

    @Option(help: ArgumentHelp("Write each script to DIR/NAME instead of printing them.", valueName: "dir"))
    var write: String?

    func run() throws {
        for script in BenchScripts.all() {
            guard let write else {
                print("-- \(script.file)\n\(script.text)")
                continue
            }
            let path = write + "/" + script.file
            guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
            defer { fclose(file) }
            let bytes = Array(script.text.utf8)
            guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw ValidationError("cannot write \(path)") }
            print(path)
        }
    }
}
