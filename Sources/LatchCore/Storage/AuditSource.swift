/// Who acts and from where, for the audit row of an act (`audit_events.actor`,
/// `audit_events.source_address`). Both are cleaned once, here (credential-shaped text
/// scrubbed, length capped), so a store can bind them straight into the statement of the act.
///
/// Stores whose act is one statement write the audit row as one more branch of that
/// statement (`INSERT INTO audit_events … SELECT … FROM <the CTE that did the act>`): it commits
/// with the act, at no extra round trip, and takes what only the act knows (user, grant, scope)
/// from the rows it touched. Such rows never pass through `AuditLog.sanitized`, so their
/// `detail` is built only from ids, scopes, counts and fixed words — never from presented text.
public struct AuditSource: Sendable, Equatable {
    public let actor: String?
    public let address: String?

    public init(actor: String?, address: String?) {
        self.actor = actor.map(AuditLog.cleanText)
        self.address = address.map(AuditLog.cleanText)
    }

    /// The admin CLI: no source address.
    public static let latchctl = AuditSource(actor: AuditActor.latchctl, address: nil)
}

extension AuditLog {
    /// `record` for an act whose actor and address are already an `AuditSource`.
    public func record(_ event: AuditEvent, by source: AuditSource, userID: Int? = nil, clientID: String? = nil,
                       detail: JSON = [:]) throws {
        try record(event, actor: source.actor, userID: userID, clientID: clientID, sourceAddress: source.address, detail: detail)
    }
}

extension Client {
    /// What the audit trail keeps of a client when it is registered or changed (`via`:
    /// registration, management_api, latchctl, …): what it is and where it may send codes,
    /// never a secret.
    public func auditDetail(via: String) -> JSON {
        ["via": .string(via), "name": .string(name),
         "redirect_uris": .array(redirectURIs.map { .string($0) }),
         "grant_types": .array(grantTypes.map { .string($0) }),
         "token_endpoint_auth_method": .string(tokenEndpointAuthMethod)]
    }
}
