/// Client authentication inside the statement that acts for the client, so that a token
/// request is one round trip to PostgreSQL instead of "authenticate, then act".
///
/// The presented secret is matched in SQL as `secret_hash = SHA-256(presented secret)`, as
/// refresh tokens are (see `TokenStore.rotate`): the compared bytes are a digest the caller
/// cannot steer, so an early-exit compare leaks nothing usable about the secret.
///
/// Both builders give the CTE `client (client_id, scope, grant_types, verified)`; a statement acts only
/// from its row, so when it is empty the statement changes nothing and returns no row.
extension ClientStore {
    /// `client`: one row when `presented` proves the client, by a method the client may use
    /// (`Client.allows(authenticationMethod:)`), and the client may use `grantType` (when
    /// given); `secret_used`: records the secret's use, at most once a minute. nil when the
    /// presented secret is not even shaped like a client secret: it can prove nothing.
    public static func authenticatingCTEs(_ presented: PresentedClient, grantType: String?) -> SQL? {
        guard presented.clientID.utf8.count <= 200 else { return nil }
        let grantCondition: SQL = grantType.map { "AND \($0)::text = ANY (c.grant_types)" } ?? ""
        guard let secretText = presented.secret else {
            guard presented.method == "none" else { return nil }
            return """
                client AS (
                    SELECT c.client_id, c.scope, c.grant_types, c.verified FROM clients c
                    WHERE c.client_id = \(presented.clientID) AND c.token_endpoint_auth_method = 'none' \(fragment: grantCondition)
                )
                """
        }
        guard let secret = Credential.parse(secretText, as: .clientSecret) else { return nil }
        return """
            client AS (
                SELECT c.client_id, c.scope, c.grant_types, c.verified FROM clients c
                WHERE c.client_id = \(presented.clientID)
                  AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
                           WHEN c.origin = 'admin' THEN \(presented.method)::text IN ('client_secret_basic', 'client_secret_post')
                           ELSE \(presented.method)::text = c.token_endpoint_auth_method END
                  AND EXISTS (SELECT 1 FROM client_secrets s
                              WHERE s.id = \(secret.id) AND s.client_id = c.client_id AND s.secret_hash = \(secret.secretHash))
                  \(fragment: grantCondition)
            ), secret_used AS (
                UPDATE client_secrets SET last_used_at = now()
                WHERE id = \(secret.id) AND \(raw: ClientStore.staleUse) AND EXISTS (SELECT 1 FROM client)
            )
            """
    }

    /// `client` for a client already authenticated (`ClientAuthenticator.verify`).
    public static func authenticatedCTE(_ clientID: String) -> SQL {
        "client AS (SELECT client_id, scope, grant_types, verified FROM clients WHERE client_id = \(clientID))"
    }
}
