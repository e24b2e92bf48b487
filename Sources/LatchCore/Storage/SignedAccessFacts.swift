/// What an RFC 9068 JWT access token says beyond the stored token row (README "JWT access
/// tokens"): read by the statement that issued the token, so signing it needs no further
/// round trip. Present only when the token's audience is a resource registered with
/// `--token-format jwt` (`resources.token_format`); latch's own API and other resources get
/// opaque tokens.
public struct SignedAccessFacts: Sendable, Equatable {
    /// The resource the token is for (`aud`).
    public let audience: String
    public let clientID: String
    /// The person the token acts for; nil for a client's own token (client_credentials).
    public let userID: Int?
    /// When the person signed in (epoch seconds), when known.
    public let authTime: Int?

    /// The column `jwt_audience` of an issuing statement: the audience `column` when it is a
    /// resource registered for JWT access tokens, else NULL — a subselect on `resources` by
    /// its unique identifier, inside the statement that issues the token.
    static func audienceColumn(_ column: StaticString) -> SQL {
        """
        (SELECT r.identifier FROM resources r WHERE r.identifier = \(raw: column) AND r.token_format = 'jwt') AS jwt_audience
        """
    }

    /// The facts of a row with `jwt_audience`, `client_id`, `user_id` and `auth_epoch` (the
    /// last two may be absent or NULL): nil for an opaque token.
    static func read(_ row: Row) throws -> SignedAccessFacts? {
        guard let audience = row.optionalString("jwt_audience") else { return nil }
        return SignedAccessFacts(audience: audience, clientID: try row.string("client_id"),
                                 userID: row.optionalInt("user_id"), authTime: row.optionalInt("auth_epoch"))
    }
}
