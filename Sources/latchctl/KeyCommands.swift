import ArgumentParser
import LatchCore

/// `latchctl keys list|rotate` (README "OpenID Connect").
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "List or rotate the signing keys of ID tokens and JWT access tokens.",
        discussion: """
            Keys are stored encrypted under LATCH_KEY_ENCRYPTION_KEY_FILE (32 random bytes, never in the \
            database). Each key is published in /oauth2/jwks before it signs (LATCH_KEY_PUBLISH_DELAY) and \
            stays published after it retires until every token it signed has expired. latchctl migrate makes \
            the first keys; latchctl purge rotates every LATCH_KEY_ROTATION_DAYS.
            """,
        subcommands: [KeysList.self, KeysRotate.self])
}

extension GlobalOptions {
    /// The key operations, with the settings of the environment (`Configuration`). Keys need no
    /// issuer: latchctl may run without `LATCH_ISSUER`.
    func keys() throws -> KeyAdministration {
        var environment = Environment.current()
        if environment["LATCH_ISSUER", default: ""].isEmpty { environment["LATCH_ISSUER"] = "http://localhost" }
        if let url = connection.databaseURL { environment["LATCH_DATABASE_URL"] = url }
        let configuration = try Configuration.fromEnvironment(environment)
        return KeyAdministration(database: try database(), actor: .latchctl, settings: configuration.keys,
                                 signedTokenLifetime: configuration.accessTokenLifetime)
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the signing keys: kid, algorithm, state (next, current, retired) and timeline.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (keys, now) = try global.keys().list()
        if global.json {
            Output.json(.array(keys.map { key in
                ["kid": .string(key.kid), "alg": .string(key.algorithm.rawValue), "state": .string(key.state(at: now).rawValue),
                 "publish_at": .integer(key.publishAt), "signs_from": .integer(key.signsFrom),
                 "retired_at": key.retiredAt.map { .integer($0) } ?? .null,
                 "unpublish_at": key.unpublishAt.map { .integer($0) } ?? .null]
            }))
            return
        }
        Output.table(["KID", "ALG", "STATE", "PUBLISHED", "SIGNS_FROM", "RETIRES", "UNPUBLISHED"], keys.map {
            [$0.kid, $0.algorithm.rawValue, $0.state(at: now).rawValue, Output.time($0.publishAt), Output.time($0.signsFrom),
             Output.time($0.retiredAt), Output.time($0.unpublishAt)]
        })
    }
}

struct KeysRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Make the next signing key of each algorithm: published now, signing after LATCH_KEY_PUBLISH_DELAY.",
        discussion: """
            The key it succeeds retires when the new one starts signing and stays published until no \
            token it signed can be live. An algorithm whose next key is already waiting is left alone.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let made = try global.keys().rotate(.requested)
        if global.json {
            Output.json(.array(made.map {
                ["kid": .string($0.kid), "alg": .string($0.algorithm.rawValue), "signs_from": .integer($0.signsFrom),
                 "replaces": $0.replaces.map { .string($0) } ?? .null]
            }))
            return
        }
        if made.isEmpty { print("every algorithm already has a next key waiting to sign") }
        for key in made {
            print("\(key.algorithm.rawValue) \(key.kid): published now, signs from \(Output.time(key.signsFrom))"
                  + (key.replaces.map { ", retiring \($0)" } ?? ""))
        }
    }
}
