extension AuditSource {
    /// A request of `actor`, from the request's client address (the endpoints' way to name who
    /// acts; storage itself knows no request).
    public init(actor: String?, request: Request) {
        self.init(actor: actor, address: request.remoteAddress.isEmpty ? nil : request.remoteAddress)
    }
}
