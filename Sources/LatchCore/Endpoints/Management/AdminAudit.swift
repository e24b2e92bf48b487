extension Administrator {
    /// Records this admin's act on an app (management API, admin console): the actor is
    /// `admin-token:NAME` or the admin's username, the address the request's.
    func audit(_ event: AuditEvent, clientID: String, detail: JSON = [:], _ request: Request, _ context: Context) throws {
        try AuditLog(database: context.database).record(event, by: AuditSource(actor: actor, request: request),
                                                        clientID: clientID, detail: detail)
    }
}
