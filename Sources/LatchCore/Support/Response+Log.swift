extension Response {
    /// For the request log only, never sent: the client the request concerned, logged as
    /// `client_id` (set it once the client is known, e.g. `response.logClientID = client.id`).
    public var logClientID: String? {
        get { logFields.first { $0.name == "client_id" }?.value }
        set {
            logFields.removeAll { $0.name == "client_id" }
            if let newValue { logFields.append((name: "client_id", value: newValue)) }
        }
    }
}
