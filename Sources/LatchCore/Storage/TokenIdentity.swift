/// Who a token response is for, as its ID token tells it (README "OpenID Connect"): read by the
/// statement that issued the tokens (code exchange, refresh), so signing the ID token needs no
/// further round trip.
public struct TokenIdentity: Sendable, Equatable {
    public let userID: Int
    public let username: String
    public let email: String?
    public let emailVerified: Bool
    public let clientID: String
    /// The authorization request's `nonce` (code exchange only).
    public let nonce: String?
    /// When the person signed in (epoch seconds); nil for grants older than migration 021.
    public let authTime: Int?
    /// The client's `id_token_signed_response_alg` (RS256 when it registered none).
    public let algorithm: JWSAlgorithm

    /// The identity columns of a token-issuing statement's CTE, for the user joined as `user`
    /// and the row of the `client` CTE joined as `client` (`ClientStore.clientCTEs`):
    /// `username`, `email`, `email_verified`, `id_token_alg` (the client's registered
    /// `id_token_signed_response_alg`, read with its row).
    static func columns(user: StaticString, client: StaticString) -> SQL {
        "\(raw: user).username, \(raw: user).email, \(raw: user).email_verified, \(raw: client).id_token_alg"
    }

    /// The identity of a row with the columns above and `scope`, `client_id`, `user_id`,
    /// `nonce`, `auth_epoch`: nil unless `openid` was granted.
    static func read(_ row: Row) throws -> TokenIdentity? {
        guard ScopeSet.holds(try row.string("scope"), "openid") else { return nil }
        return TokenIdentity(userID: try row.int("user_id"), username: try row.string("username"),
                             email: row.optionalString("email"), emailVerified: (try? row.bool("email_verified")) ?? false,
                             clientID: try row.string("client_id"), nonce: row.optionalString("nonce"),
                             authTime: row.optionalInt("auth_epoch"),
                             algorithm: row.optionalString("id_token_alg").flatMap(JWSAlgorithm.init(rawValue:)) ?? .rs256)
    }
}
