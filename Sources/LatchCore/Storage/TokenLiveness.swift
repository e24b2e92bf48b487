/// When a token is live, written once for every statement that asks (README "Token lifecycle"): the token is not revoked, not rotated away (a used refresh token) and not expired;
/// its grant is neither revoked nor past its end (`LATCH_GRANT_MAX_LIFETIME`); its user, if it
/// has one, is not disabled. The views in `sql/` keep their own copy (migrations are never
/// edited once shipped).
///
/// Each function takes the aliases the statement gave the tables: `tokens`, `grants`, and
/// `users` joined with `LEFT JOIN` on the token's or grant's `user_id` (so a token without a
/// user reads as an enabled one).
enum TokenLiveness {
    /// The token, grant and user conditions together.
    static func of(token: String = "t", grant: String = "g", user: String = "u") -> SQL {
        "\(fragment: TokenLiveness.token(token)) AND \(fragment: TokenLiveness.grant(grant, user: user))"
    }

    /// The token's own conditions; `counting use: false` leaves out "not rotated away" (for a
    /// statement that tells a used token from a dead one).
    static func token(_ token: String, countingUse: Bool = true) -> SQL {
        let t = token
        return SQL(stringLiteral: countingUse
            ? "\(t).revoked_at IS NULL AND \(t).used_at IS NULL AND \(t).expires_at > now()"
            : "\(t).revoked_at IS NULL AND \(t).expires_at > now()")
    }

    /// The grant's conditions, and its user's (`user` nil when the statement has no user to
    /// check, e.g. a person's own grants).
    static func grant(_ grant: String, user: String?) -> SQL {
        let g = grant
        guard let u = user else { return SQL(stringLiteral: "\(g).revoked_at IS NULL AND \(g).expires_at > now()") }
        return SQL(stringLiteral: "\(g).revoked_at IS NULL AND \(g).expires_at > now() AND \(u).disabled_at IS NULL")
    }
}
