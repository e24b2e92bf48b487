/// One grant type of the token endpoint (RFC 6749 §4, §6): what `TokenEndpoint` hands a
/// request to once it knows the `grant_type`.
///
/// Every grant "acts, then explains", in SQL the same way:
/// 1. `act`: ONE statement that authenticates the client (`ClientProof`, the `client` CTE of
///    `ClientStore.clientCTEs`), checks every rule of the grant and issues — or changes nothing
///    and returns no row. A successful request is this one round trip.
/// 2. `explain`: only when `act` issued nothing, for a client the endpoint has authenticated
///    on its own, a second statement finds out why and does what the refusal does (burn a
///    code, revoke a grant, audit rows), and the refusal is thrown.
///
/// Adding a grant: one file with a type conforming to this protocol, and its line in
/// `TokenGrants.all`.
protocol TokenGrant: Sendable {
    /// What the grant reads from the request, checked without the database.
    associatedtype Asked

    /// The `grant_type` this grant serves.
    var grantType: String { get }

    /// Rules about the authenticated client itself, checked before the request is read
    /// (default: none).
    func admit(_ client: AuthenticatedClient) throws

    /// The request's own parameters, read without the database: the refusal it deserves when
    /// they are not in order.
    func parse(_ parameters: Parameters, _ context: Context) throws -> Asked

    /// The one-trip statement for the client `proof` proves: the tokens, or nil when it issued
    /// nothing (and changed nothing). Never a refusal.
    func act(_ asked: Asked, by proof: ClientProof, audit: AuditSource, _ context: Context) throws -> IssuedTokens?

    /// Why `act` issued nothing for `client` (authenticated): the refusal, thrown, after what it
    /// does — or tokens after all where the grant's rules say so (a refresh reuse within the
    /// grace).
    func explain(_ asked: Asked, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens
}

extension TokenGrant {
    func admit(_ client: AuthenticatedClient) throws {}

    /// The one-trip attempt of a request whose client is not authenticated yet: nil when the
    /// request is not in order, cannot prove a client, issued nothing, or PostgreSQL asked to
    /// retry (then the full path retries).
    func attempt(_ parameters: Parameters, by proof: ClientProof, audit: AuditSource, _ context: Context) throws -> IssuedTokens? {
        guard let asked = try? parse(parameters, context) else { return nil }
        do {
            return try act(asked, by: proof, audit: audit, context)
        } catch let error as DatabaseError where error.isSerializationFailure || error.sqlState == "23505" {
            // 23505: a client assertion's jti recorded concurrently (`IssuingStatement.recorded`);
            // the statement issued nothing, and the full path refuses the replay.
            return nil
        }
    }

    /// The full path for an authenticated client: act, and only when that issued nothing,
    /// explain. A conflict PostgreSQL asks to retry runs both again (each is one statement
    /// that either acts or refuses).
    func grant(_ parameters: Parameters, client: AuthenticatedClient, audit: AuditSource, _ context: Context) throws -> IssuedTokens {
        try admit(client)
        let asked = try parse(parameters, context)
        return try context.database.retryingConflicts {
            if let issued = try act(asked, by: .authenticated(client.client.clientID), audit: audit, context) { return issued }
            return try explain(asked, client: client, audit: audit, context)
        }
    }
}

/// Every grant the token endpoint serves, registered once.
enum TokenGrants {
    static let all: [any TokenGrant] = [
        AuthorizationCodeGrant(),
        RefreshTokenGrant(),
        ClientCredentialsGrant(),
    ]

    /// The grant serving `grantType`, else nil (`unsupported_grant_type`).
    static func named(_ grantType: String) -> (any TokenGrant)? {
        all.first { $0.grantType == grantType }
    }
}
