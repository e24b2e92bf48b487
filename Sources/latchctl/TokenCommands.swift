import ArgumentParser
import LatchCore

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokens", abstract: "List and revoke the tokens people and apps hold.",
                                                    subcommands: [TokensList.self, TokensRevoke.self])
}

struct TokensList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List live access and refresh tokens, newest first (never the tokens themselves).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "only the tokens of this app (client_id)") var app: String?
    @Option(help: "only the tokens of this user (username)") var user: String?
    @Option(help: "at most this many rows") var limit = 1000

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() throws {
        let database = try global.database()
        if let app, try ClientStore(database: database).find(app) == nil { throw CommandFailure.notFound("app '\(app)'") }
        if let user, try UserStore(database: database).find(username: user) == nil { throw CommandFailure.notFound("user '\(user)'") }
        let tokens = try TokenAdministration(database: database).live(clientID: app, username: user, limit: limit)
        if global.json {
            Output.json(.array(tokens.map {
                ["id": .string($0.id), "token_truncated": .string($0.truncated), "kind": .string($0.kind.rawValue),
                 "grant_id": .string($0.grantID), "app": .string($0.clientID), "app_name": .string($0.appName),
                 "user": $0.username.map { .string($0) } ?? .null, "scope": .string($0.scope),
                 "created_at": .string(EpochTime.iso8601($0.createdAt)), "expires_at": .string(EpochTime.iso8601($0.expiresAt))]
            }))
            return
        }
        Output.table(["TOKEN", "KIND", "GRANT", "APP", "USER", "SCOPE", "EXPIRES"], tokens.map {
            [$0.truncated, $0.kind.rawValue, $0.grantID, $0.clientID, $0.username ?? "-", $0.scope, Output.time($0.expiresAt)]
        })
    }
}

struct TokensRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke grants and all their tokens: of an app, of a user, of a user for one app, or one grant.",
        discussion: "Codes not yet redeemed for the same app/user are removed too. The tokens stop working at once.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "every grant of this app (client_id)") var app: String?
    @Option(help: "every grant of this user (username)") var user: String?
    @Option(help: "this one grant (as tokens list shows it)") var grant: String?

    func validate() throws {
        guard app != nil || user != nil || grant != nil else { throw ValidationError("give --app, --user (or both), or --grant") }
        if grant != nil && (app != nil || user != nil) { throw ValidationError("--grant cannot be combined with --app or --user") }
    }

    func run() throws {
        let database = try global.database()
        if let app, try ClientStore(database: database).find(app) == nil { throw CommandFailure.notFound("app '\(app)'") }
        var userID: Int?
        if let user {
            guard let found = try UserStore(database: database).find(username: user) else { throw CommandFailure.notFound("user '\(user)'") }
            userID = found.id
        }
        let administration = TokenAdministration(database: database)
        if let grant, try !administration.grantExists(grant) { throw CommandFailure.notFound("grant '\(grant)'") }
        let counts = try administration.revoke(clientID: app, userID: userID, grantID: grant, audit: .latchctl)
        if global.json {
            Output.json(["grants_revoked": .integer(counts.grants), "tokens_revoked": .integer(counts.tokens),
                         "codes_removed": .integer(counts.codes)])
        } else {
            print("revoked \(counts.grants) grant(s) and \(counts.tokens) token(s); removed \(counts.codes) unredeemed code(s)")
        }
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete expired codes, tokens and sessions, dead grants, idle dynamic clients, old rate-limit rows and idle sign-in throttle rows, in small batches.",
        discussion: """
            Grants go when they are past their end (LATCH_GRANT_MAX_LIFETIME, or their only access token's \
            expiry), revoked, or left with no token. Unverified dynamic and metadata clients that obtained no \
            token for LATCH_DYNAMIC_CLIENT_IDLE_DAYS (default 30) go with everything of theirs. \
            Each batch is its own short transaction, so purging a table of tens of millions of rows takes \
            no long locks; run it from cron or a systemd timer. Prints what was deleted.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("batch-size"), help: "rows deleted per batch (per transaction)") var batchSize = 10_000
    @Option(name: .customLong("dynamic-client-idle-days"),
            help: "days without a token after which an unverified dynamic client is deleted (default: $LATCH_DYNAMIC_CLIENT_IDLE_DAYS or 30)")
    var idleDays: Int?

    func validate() throws {
        guard (1...1_000_000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 1000000") }
        _ = try dynamicClientIdleDays()
    }

    /// The option, else `LATCH_DYNAMIC_CLIENT_IDLE_DAYS` as `Configuration` reads it, else 30.
    func dynamicClientIdleDays() throws -> Int {
        if let idleDays {
            guard (1...3650).contains(idleDays) else { throw ValidationError("--dynamic-client-idle-days must be from 1 to 3650") }
            return idleDays
        }
        guard let text = Environment.current()["LATCH_DYNAMIC_CLIENT_IDLE_DAYS"], !text.isEmpty else { return 30 }
        guard let days = Int(text), (1...3650).contains(days) else {
            throw ValidationError("LATCH_DYNAMIC_CLIENT_IDLE_DAYS='\(text)' must be a whole number from 1 to 3650")
        }
        return days
    }

    func run() throws {
        let results = try global.administration().purge
            .purge(batchSize: batchSize, dynamicClientIdleDays: try dynamicClientIdleDays())
        // Signing keys (README "OpenID Connect"): the first ones, the rotation every
        // LATCH_KEY_ROTATION_DAYS, and the keys no live token needs any more.
        let keys = try global.keys()
        let rotated = keys.canSign ? try keys.rotate(.scheduled) : []
        let unpublished = try keys.deleteUnpublished()
        let assertions = try keys.deleteExpiredAssertions()
        if global.json {
            Output.json(.object(results.map {
                ($0.target.rawValue, ["deleted": .integer($0.deleted), "batches": .integer($0.batches)])
            } + [("signing_keys", ["deleted": .integer(unpublished), "created": .array(rotated.map { .string($0.kid) })]),
                 ("client_assertion_jtis", ["deleted": .integer(assertions), "batches": 1])]))
            return
        }
        Output.table(["TABLE", "DELETED", "BATCHES"], results.map { [$0.target.rawValue, String($0.deleted), String($0.batches)] }
                     + [["signing_keys", String(unpublished), "1"], ["client_assertion_jtis", String(assertions), "1"]])
        for key in rotated { print("rotated: \(key.algorithm.rawValue) key \(key.kid) signs from \(Output.time(key.signsFrom))") }
    }
}
