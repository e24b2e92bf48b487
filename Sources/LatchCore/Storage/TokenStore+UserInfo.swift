extension TokenStore {
    /// The live access token `presented` stands for, with its person's email (README "OpenID
    /// Connect": userinfo). One statement: the token lookup of the gate (`liveLookup`) and the
    /// user's row by its primary key.
    public func liveWithEmail(_ presented: String) throws -> (token: TokenInfo, email: String?, emailVerified: Bool)? {
        guard let parsed = try self.presented(presented), parsed.credential.kind == .accessToken,
              let row = try database.query(TokenStore.userInfoStatement(parsed)).first,
              let token = try TokenStore.liveToken(parsed, row) else { return nil }
        return (token, row.optionalString("email"), row.optionalString("email_verified") == "t")
    }

    /// The statement of `liveWithEmail` (and of the bench's userinfo row, `BenchScripts`).
    static func userInfoStatement(_ credential: PresentedToken) -> SQL {
        """
        SELECT live.*, p.email, p.email_verified
        FROM (\(fragment: TokenStore.liveLookup(credential, clientVerified: false))) AS live
        LEFT JOIN users p ON p.id = live.user_id
        """
    }
}
