/// When a token is live, written once for every statement that asks (README "Token lifecycle"): the token is not revoked, not rotated away (a used refresh token) and not expired;
/// its grant is neither revoked nor past its end (`LATCH_GRANT_MAX_LIFETIME`); its user, if it
/// has one, is not disabled. The views in `sql/` keep their own copy (migrations are never
/// edited once shipped).
///
/// The fragments name the tables by the aliases every statement gives them: `t` for `tokens`,
/// `g` for `grants`, and `u` for `users` joined with `LEFT JOIN` on the token's or grant's
/// `user_id` (so a token without a user reads as an enabled one). They are constants, built
/// once per process: the gate and the token paths splice them into every statement.
enum TokenLiveness {
    /// The token, grant and user conditions together.
    static let all: SQL = "\(fragment: TokenLiveness.token) AND \(fragment: TokenLiveness.grantAndUser)"

    /// The token's own conditions.
    static let token: SQL = "t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()"

    /// The token's conditions without "not rotated away" (for a statement that tells a used
    /// token from a dead one).
    static let tokenEvenIfUsed: SQL = "t.revoked_at IS NULL AND t.expires_at > now()"

    /// The grant's conditions and its user's.
    static let grantAndUser: SQL = "g.revoked_at IS NULL AND g.expires_at > now() AND u.disabled_at IS NULL"

    /// The grant's conditions alone, for a statement with no user to check (a person's own grants).
    static let grant: SQL = "g.revoked_at IS NULL AND g.expires_at > now()"
}
