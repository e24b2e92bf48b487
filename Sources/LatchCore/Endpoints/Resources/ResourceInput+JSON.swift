extension ResourceInput {
    /// The management API body (`POST`, or `PUT` over `existing`: members left out keep their value).
    public static func parse(_ members: [(String, JSON)], defined: [String], existing: Resource?) throws(OAuthError) -> ResourceInput {
        let body = JSONMembers(members, code: .invalidRequest)
        guard let identifier = try body.string("resource") ?? existing?.identifier else { throw body.failure("resource is required") }
        guard let name = try body.string("name", maxLength: 1000) ?? existing?.name else { throw body.failure("name is required") }
        guard let scopes = try body.strings("scopes", maxCount: 200, maxLength: 100) ?? existing.map({ $0.scopes ?? defined }) else {
            throw body.failure("scopes is required (an array of scope names)")
        }
        let defaults = try body.strings("default_scopes", maxCount: 200, maxLength: 100) ?? existing?.defaultScopes ?? []
        let format = try body.string("token_format", maxLength: 20) ?? existing?.tokenFormat.rawValue ?? "opaque"
        let dpop: Bool
        switch body.value("dpop_required") {
        case nil: dpop = existing?.dpopRequired ?? false
        case .bool(let value)?: dpop = value
        default: throw body.failure("dpop_required must be true or false")
        }
        return try make(identifier: identifier, name: name, scopes: scopes, defaultScopes: defaults, tokenFormat: format,
                        dpopRequired: dpop, defined: defined)
    }
}
