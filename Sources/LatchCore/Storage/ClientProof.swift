/// How a statement that acts for a client knows the client (the `client` CTE of
/// `ClientStore.clientCTEs`): either the statement authenticates it from what the request
/// presented, or the client was authenticated before (`ClientAuthenticator.verify`).
///
/// A storage value: stores build their own `client` CTE from it, so no SQL text crosses from
/// an endpoint into a store.
public struct ClientProof: Sendable {
    public enum Method: Sendable, Equatable {
        /// The statement checks the client's secret (`client_secret_basic` or
        /// `client_secret_post`, the method named) as `secret_hash = SHA-256(secret)`.
        case secret(method: String, Credential)
        /// A public client (`none`): the statement checks that the client's method is `none`.
        case none
        /// Authenticated already: the statement only reads the client's row.
        case authenticated
        /// `private_key_jwt` verified in Swift with the keys this worker cached
        /// (`ClientAssertionKeys`): the statement checks that they are still the client's and
        /// records the assertion's `jti` with what it issues (`AssertedKeys`).
        case assertion(AssertedKeys)
    }

    public let clientID: String
    public let method: Method
    /// Token requests (`LATCH_UNVERIFIED_TOKEN_RATE_LIMIT`): the statement acts for an
    /// unverified client only while its one-minute window counts fewer tokens; nil: no limit.
    public let unverifiedTokensPerMinute: Int?
    /// The statement acts only for a verified client, and leaves the client's bookkeeping (the
    /// secret's and the client's last-use marks) to the caller (`ClientUse`), so that it carries
    /// no write that a verified client's request almost never needs (`onlyIfVerified`).
    public private(set) var verifiedOnly = false

    /// A client the statement authenticates. nil when what was presented cannot prove anything:
    /// a client id longer than any registered one, a secret not shaped like a client secret, or
    /// no secret with another method than `none`.
    public init?(clientID: String, method: String, secret: String?, unverifiedTokensPerMinute: Int? = nil) {
        guard clientID.utf8.count <= 200 else { return nil }
        if let secret {
            guard let credential = Credential.parse(secret, as: .clientSecret) else { return nil }
            self.method = .secret(method: method, credential)
        } else {
            guard method == "none" else { return nil }
            self.method = .none
        }
        self.clientID = clientID
        self.unverifiedTokensPerMinute = unverifiedTokensPerMinute
    }

    private init(authenticated clientID: String) {
        self.clientID = clientID
        method = .authenticated
        unverifiedTokensPerMinute = nil
    }

    private init(clientID: String, asserted: AssertedKeys, unverifiedTokensPerMinute: Int?) {
        self.clientID = clientID
        method = .assertion(asserted)
        self.unverifiedTokensPerMinute = unverifiedTokensPerMinute
    }

    /// A `private_key_jwt` client whose assertion this worker verified with `asserted`'s keys.
    public static func asserted(_ clientID: String, _ asserted: AssertedKeys, unverifiedTokensPerMinute: Int?) -> ClientProof {
        ClientProof(clientID: clientID, asserted: asserted, unverifiedTokensPerMinute: unverifiedTokensPerMinute)
    }

    /// A client already authenticated.
    public static func authenticated(_ clientID: String) -> ClientProof { ClientProof(authenticated: clientID) }

    /// The same proof for a client this worker saw verified (`VerifiedClients`): the statement issues nothing when the client is not
    /// verified (then the full path runs, which serves every client), and carries neither the
    /// unverified client's rate-limit count nor the last-use marks — it returns whether they are
    /// due (`ClientUse`), and the caller writes them in the rare request that finds them stale.
    public func onlyIfVerified() -> ClientProof {
        var proof = self
        proof.verifiedOnly = true
        return proof
    }

    /// The secret the statement checks, if any.
    var secret: Credential? {
        if case .secret(_, let credential) = method { return credential }
        return nil
    }

    /// Whether the client proves itself with a secret (or was authenticated before): what a
    /// confidential-only grant asks.
    public var isConfidential: Bool {
        if case .none = method { return false }
        return true
    }
}

/// What a one-trip `private_key_jwt` statement checks and records (README "OpenID Connect"):
/// the keys that verified the assertion are still the client's — its registered `jwks`
/// (compared as JSON), or its `jwks_uri` and the set cached for it — and the assertion's `jti`,
/// recorded only with what the statement issues.
public struct AssertedKeys: Sendable, Equatable {
    public let jti: String
    public let expiresAt: Int
    /// The client's `jwks` as registered, serialised; nil when it has a `jwks_uri`.
    public let jwks: String?
    /// The client's `jwks_uri`, and the set cached for it (`client_key_sets.jwks`), serialised.
    public let jwksURI: String?
    public let keySet: String?
}
