/// Who is acting as an admin on a request (`AdminAuthentication`); `latchctl` is
/// `AdminActor.latchctl`.
public struct Administrator: Sendable, Equatable {
    public enum Proof: Sendable, Equatable {
        /// `Authorization: Bearer lad_…` from `latchctl admin-token create`.
        case adminToken(id: String, name: String)
        /// A signed-in admin's browser session.
        case session(userID: Int, username: String)
    }

    public let proof: Proof

    /// For audit records: `admin-token:NAME` or the username.
    public var actor: String {
        switch proof {
        case .adminToken(_, let name): return "admin-token:" + name
        case .session(_, let username): return username
        }
    }
}

extension Administrator {
    /// A signed-in admin acting through the console.
    init(_ signedIn: SignedIn) { self.init(proof: .session(userID: signedIn.user.id, username: signedIn.user.username)) }
}

/// Who performs an administration operation, from where, and through which door: what the
/// operations of `Administration/` (`AppAdministration`, `ScopeAdministration`, …) write into the
/// audit rows they alone record. Every door builds one: the management API from its
/// `AdminAuthentication`, the console from the signed-in admin, `latchctl` as `.latchctl`.
public struct AdminActor: Sendable, Equatable {
    /// `audit_events.actor` and `audit_events.source_address`.
    public let source: AuditSource
    /// The door, as `detail.via` names it: `management_api`, `admin_console`, `latchctl`,
    /// `registration`.
    public let via: String

    public init(source: AuditSource, via: String) {
        self.source = source
        self.via = via
    }

    /// An admin the request authenticated, acting through `via`.
    public init(_ administrator: Administrator, request: Request, via: String) {
        self.init(source: AuditSource(actor: administrator.actor, request: request), via: via)
    }

    /// The admin CLI: actor `latchctl`, no source address.
    public static let latchctl = AdminActor(source: .latchctl, via: "latchctl")

    var isCommandLine: Bool { via == AdminActor.latchctl.via }

    /// `detail.via` of the acts whose `latchctl` rows have never named the door (secrets,
    /// scopes): the door for the others, nothing for `latchctl`.
    var viaUnlessCommandLine: [(String, JSON)] { isCommandLine ? [] : [("via", .string(via))] }

    /// Records `event` as this actor's (only the operations of `Administration/` call it, and
    /// `Migrator`, for `latchctl migrate`).
    func record(_ event: AuditEvent, in database: Database, userID: Int? = nil, clientID: String? = nil,
                detail: JSON = [:]) throws {
        try AuditLog(database: database).record(event, by: source, userID: userID, clientID: clientID, detail: detail)
    }
}
