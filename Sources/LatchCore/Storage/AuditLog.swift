/// What happened, as stored in `audit_events.event` (`signin.success`, `code.replayed`, …).
/// A struct of `static let`s, so events can be added without breaking callers.
public struct AuditEvent: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Sign-in (POST /login, REMOTE_USER).
    public static let signInSucceeded = AuditEvent(rawValue: "signin.success")
    public static let signInFailed = AuditEvent(rawValue: "signin.failure")
    public static let signInThrottled = AuditEvent(rawValue: "signin.throttled")
    public static let signedOut = AuditEvent(rawValue: "signout")

    // Consent (POST /oauth2/authorize).
    public static let consentAllowed = AuditEvent(rawValue: "consent.allowed")
    public static let consentDenied = AuditEvent(rawValue: "consent.denied")
    /// A code issued without asking, because the person already allowed this verified app
    /// these scopes for this resource (README "The authorization endpoint" step 5).
    public static let consentRemembered = AuditEvent(rawValue: "consent.remembered")

    // Codes and tokens (token endpoint, revocation).
    public static let codeIssued = AuditEvent(rawValue: "code.issued")
    public static let codeRedeemed = AuditEvent(rawValue: "code.redeemed")
    public static let codeReplayed = AuditEvent(rawValue: "code.replayed")
    /// A valid code presented with something wrong (client, verifier, redirect_uri, resource),
    /// or expired, or of a disabled account: refused (and burnt).
    public static let codeRejected = AuditEvent(rawValue: "code.rejected")
    public static let tokenIssued = AuditEvent(rawValue: "token.issued")
    public static let refreshRotated = AuditEvent(rawValue: "refresh.rotated")
    public static let refreshReuseDetected = AuditEvent(rawValue: "refresh.reuse_detected")
    public static let grantRevoked = AuditEvent(rawValue: "grant.revoked")
    public static let tokenRevoked = AuditEvent(rawValue: "token.revoked")
    public static let clientAuthenticationFailed = AuditEvent(rawValue: "client.authentication_failed")

    // Clients and their secrets (registration, management API, admin console, latchctl).
    public static let clientRegistered = AuditEvent(rawValue: "client.registered")
    public static let clientUpdated = AuditEvent(rawValue: "client.updated")
    public static let clientDeleted = AuditEvent(rawValue: "client.deleted")
    /// An admin verified an app (README "The client trust model") or took that back.
    public static let clientVerified = AuditEvent(rawValue: "client.verified")
    public static let clientUnverified = AuditEvent(rawValue: "client.unverified")
    public static let registrationThrottled = AuditEvent(rawValue: "registration.throttled")
    public static let secretCreated = AuditEvent(rawValue: "secret.created")
    public static let secretRevoked = AuditEvent(rawValue: "secret.revoked")

    // Users.
    public static let userCreated = AuditEvent(rawValue: "user.created")
    public static let userUpdated = AuditEvent(rawValue: "user.updated")
    public static let userDisabled = AuditEvent(rawValue: "user.disabled")
    public static let userDeleted = AuditEvent(rawValue: "user.deleted")

    // Other admin actions.
    public static let adminTokenCreated = AuditEvent(rawValue: "admin.token_created")
    public static let adminTokenRevoked = AuditEvent(rawValue: "admin.token_revoked")
    public static let adminTokensRevoked = AuditEvent(rawValue: "admin.tokens_revoked")
    public static let adminScopeAdded = AuditEvent(rawValue: "admin.scope_added")
    public static let adminScopeRemoved = AuditEvent(rawValue: "admin.scope_removed")
    public static let adminResourceAdded = AuditEvent(rawValue: "admin.resource_added")
    public static let adminResourceUpdated = AuditEvent(rawValue: "admin.resource_updated")
    public static let adminResourceDeleted = AuditEvent(rawValue: "admin.resource_deleted")
    public static let adminAccessDenied = AuditEvent(rawValue: "admin.access_denied")
    public static let adminPurged = AuditEvent(rawValue: "admin.purged")
    public static let adminMigrated = AuditEvent(rawValue: "admin.migrated")
    /// New signing keys (latchctl keys rotate, the purge's scheduled rotation, the first keys).
    public static let adminKeysRotated = AuditEvent(rawValue: "admin.keys_rotated")

    /// Every event latch records, for documentation and `latchctl audit --help`.
    public static let all: [AuditEvent] = [
        .signInSucceeded, .signInFailed, .signInThrottled, .signedOut,
        .consentAllowed, .consentDenied, .consentRemembered,
        .codeIssued, .codeRedeemed, .codeReplayed, .codeRejected, .tokenIssued, .refreshRotated, .refreshReuseDetected,
        .grantRevoked, .tokenRevoked, .clientAuthenticationFailed,
        .clientRegistered, .clientUpdated, .clientDeleted, .clientVerified, .clientUnverified, .registrationThrottled, .secretCreated, .secretRevoked,
        .userCreated, .userUpdated, .userDisabled, .userDeleted,
        .adminTokenCreated, .adminTokenRevoked, .adminTokensRevoked, .adminScopeAdded, .adminScopeRemoved,
        .adminResourceAdded, .adminResourceUpdated, .adminResourceDeleted,
        .adminAccessDenied, .adminPurged, .adminMigrated, .adminKeysRotated,
    ]
}

/// How `audit_events.actor` names who acted.
public enum AuditActor {
    /// A signed-in person (or the username someone tried to sign in as).
    public static func user(_ username: String) -> String { username }
    /// A client acting for itself (token endpoint, RFC 7592 registration token).
    public static func client(_ clientID: String) -> String { "client:" + clientID }
    /// A management API call authenticated by an admin token.
    public static func adminToken(_ name: String) -> String { "admin-token:" + name }
    /// The admin CLI.
    public static let latchctl = "latchctl"
}

/// The audit trail (`audit_events`): one row per security-relevant act.
///
/// Never a credential: `detail` keys that name one (`token`, `code`, `secret`, `password`,
/// `state`, …, see `Redaction.isCredentialName`) and values shaped like one are dropped
/// before the row is written; their names are kept under `redacted` so the omission shows.
/// Record inside the transaction of the act itself, so the event commits with it.
public struct AuditLog {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Longest text kept in any column or detail value; client-supplied text can be long.
    static let maximumTextLength = 500

    public func record(_ event: AuditEvent, actor: String?, userID: Int?, clientID: String?, sourceAddress: String?,
                       detail: JSON = [:]) throws {
        try database.query(AuditLog.insertStatement(event, actor: actor, userID: userID, clientID: clientID,
                                                    sourceAddress: sourceAddress, detail: detail))
    }

    /// The INSERT `record` runs, with every value already cleaned.
    static func insertStatement(_ event: AuditEvent, actor: String?, userID: Int?, clientID: String?,
                                sourceAddress: String?, detail: JSON) -> SQL {
        let detailText = sanitized(detail).serialized
        return """
            INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
            VALUES (\(event.rawValue), \(actor.map(cleanText)), \(userID), \(clientID.map(cleanText)), \
            \(sourceAddress.map(cleanText)), \(detailText)::jsonb)
            """
    }

    /// A column value: credential-shaped text scrubbed, length capped.
    static func cleanText(_ text: String) -> String {
        let scrubbed = Redaction.scrub(text)
        return scrubbed.count > maximumTextLength ? String(scrubbed.prefix(maximumTextLength)) + "…" : scrubbed
    }

    /// `detail` as stored: an object without credential-named keys or credential-shaped
    /// values (at any depth); the names of what was dropped are listed under `redacted`.
    public static func sanitized(_ detail: JSON) -> JSON {
        var dropped: [String] = []
        let object: JSON
        switch detail {
        case .object: object = clean(detail, path: "", dropped: &dropped)
        case .null: object = [:]
        default: object = clean(["value": detail], path: "", dropped: &dropped)
        }
        guard !dropped.isEmpty, case .object(var members) = object else { return object }
        members.removeAll { $0.0 == "redacted" }
        members.append(("redacted", .array(dropped.map { .string($0) })))
        return .object(members)
    }

    private static func clean(_ value: JSON, path: String, dropped: inout [String]) -> JSON {
        switch value {
        case .object(let members):
            var kept: [(String, JSON)] = []
            for (key, member) in members {
                let name = path.isEmpty ? key : path + "." + key
                if Redaction.isCredentialName(key) || holdsCredential(member) {
                    dropped.append(cleanText(name))
                } else {
                    kept.append((key, clean(member, path: name, dropped: &dropped)))
                }
            }
            return .object(kept)
        case .array(let items):
            return .array(items.map { clean($0, path: path, dropped: &dropped) })
        case .string(let text):
            return .string(text.count > maximumTextLength ? String(text.prefix(maximumTextLength)) + "…" : text)
        default:
            return value
        }
    }

    private static func holdsCredential(_ value: JSON) -> Bool {
        switch value {
        case .string(let text): return Redaction.containsCredential(text)
        case .array(let items): return items.contains(where: holdsCredential)
        default: return false
        }
    }
}

// MARK: - Reading the trail (latchctl audit)

/// One row of the trail as `latchctl audit` shows it.
public struct AuditEntry: Sendable {
    public let id: Int
    /// UTC, `2026-11-23T18:06:32.123Z`.
    public let time: String
    public let event: String
    public let actor: String?
    public let userID: Int?
    public let username: String?
    public let clientID: String?
    public let clientName: String?
    public let sourceAddress: String?
    public let detail: JSON

    public var json: JSON {
        [
            "id": .integer(id), "time": .string(time), "event": .string(event),
            "actor": actor.map(JSON.string) ?? .null,
            "user_id": userID.map(JSON.integer) ?? .null, "username": username.map(JSON.string) ?? .null,
            "client_id": clientID.map(JSON.string) ?? .null, "client_name": clientName.map(JSON.string) ?? .null,
            "source_address": sourceAddress.map(JSON.string) ?? .null,
            "detail": detail,
        ]
    }
}

/// Which rows `latchctl audit` wants.
public struct AuditQuery: Sendable, Equatable {
    public enum Since: Sendable, Equatable {
        /// The last N seconds (`--since 1h`).
        case secondsAgo(Int)
        /// From a point in time (`--since 2026-11-23T18:00:00Z`), ISO 8601, UTC when no offset is given.
        case time(String)
    }

    public var since: Since?
    /// A username: events about that user (`user_id`) or by them (`actor`).
    public var username: String?
    public var clientID: String?
    public var limit: Int

    public init(since: Since? = nil, username: String? = nil, clientID: String? = nil, limit: Int = 100) {
        self.since = since
        self.username = username
        self.clientID = clientID
        self.limit = limit
    }

    /// Parses `--since`: `90s`, `15m`, `1h`, `7d`, `2w`, or an ISO 8601 date or time
    /// (`2026-11-23`, `2026-11-23T18:00`, `2026-11-23T18:00:00.5+01:00`, …Z).
    public static func parseSince(_ text: String) -> Since? {
        if let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100 * 365 * 86_400 {
            let seconds: Int
            switch unit {
            case "s": seconds = 1
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86_400
            case "w": seconds = 7 * 86_400
            default: return nil
            }
            return .secondsAgo(count * seconds)
        }
        return isISO8601(text) ? .time(withZone(text)) : nil
    }

    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh[:mm]]`.
    static func isISO8601(_ text: String) -> Bool {
        let c = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= c.count && c[range].allSatisfy { (0x30...0x39).contains($0) } }
        guard c.count >= 10, digits(0..<4), c[4] == UInt8(ascii: "-"), digits(5..<7), c[7] == UInt8(ascii: "-"), digits(8..<10) else { return false }
        var i = 10
        if i == c.count { return true }
        guard c[i] == UInt8(ascii: "T") || c[i] == UInt8(ascii: " "), digits(i + 1 ..< i + 3), i + 3 < c.count,
              c[i + 3] == UInt8(ascii: ":"), digits(i + 4 ..< i + 6) else { return false }
        i += 6
        if i < c.count, c[i] == UInt8(ascii: ":") {
            guard digits(i + 1 ..< i + 3) else { return false }
            i += 3
            if i < c.count, c[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < c.count, (0x30...0x39).contains(c[i]) { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == c.count { return true }
        if c[i] == UInt8(ascii: "Z") { return i + 1 == c.count }
        guard c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-"), digits(i + 1 ..< i + 3) else { return false }
        i += 3
        if i == c.count { return true }
        if c[i] == UInt8(ascii: ":") { i += 1 }
        return digits(i ..< i + 2) && i + 2 == c.count
    }

    /// A time without an offset means UTC, whatever the database session's time zone.
    static func withZone(_ text: String) -> String {
        let c = Array(text.utf8)
        if c.count == 10 { return text + "T00:00:00Z" }
        if c.last == UInt8(ascii: "Z") { return text }
        let tail = c.dropFirst(11)
        return tail.contains(UInt8(ascii: "+")) || tail.contains(UInt8(ascii: "-")) ? text : text + "Z"
    }
}

extension AuditLog {
    /// The newest `query.limit` matching events, oldest first.
    public func events(_ query: AuditQuery) throws -> [AuditEntry] {
        var secondsAgo: Int?
        var fromTime: String?
        switch query.since {
        case .secondsAgo(let seconds): secondsAgo = seconds
        case .time(let time): fromTime = time
        case nil: break
        }
        let rows = try database.query("""
            SELECT e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time,
                   e.event, e.actor, e.user_id, u.username, e.client_id, c.name AS client_name,
                   e.source_address, e.detail::text AS detail
            FROM audit_events e
            LEFT JOIN users u ON u.id = e.user_id
            LEFT JOIN clients c ON c.client_id = e.client_id
            WHERE (\(secondsAgo)::bigint IS NULL OR e.occurred_at >= now() - \(secondsAgo)::bigint * interval '1 second')
              AND (\(fromTime)::timestamptz IS NULL OR e.occurred_at >= \(fromTime)::timestamptz)
              AND (\(query.username)::text IS NULL
                   OR e.user_id = (SELECT id FROM users WHERE username = \(query.username))
                   OR e.actor = \(query.username))
              AND (\(query.clientID)::text IS NULL OR e.client_id = \(query.clientID))
            ORDER BY e.id DESC
            LIMIT \(query.limit)
            """)
        return try rows.reversed().map { row in
            let detailText = try row.string("detail")
            return AuditEntry(
                id: try row.int("id"), time: try row.string("time"), event: try row.string("event"),
                actor: row.optionalString("actor"), userID: row.optionalInt("user_id"),
                username: row.optionalString("username"), clientID: row.optionalString("client_id"),
                clientName: row.optionalString("client_name"), sourceAddress: row.optionalString("source_address"),
                detail: (try? JSON.parse(Array(detailText.utf8))) ?? .string(detailText))
        }
    }
}
