/// An OAuth client (an "app" in the management API).
public struct Client: Sendable, Equatable {
    /// Who made the client: an admin (management API, console, `latchctl`, or registration
    /// with an admin token), anonymous dynamic registration, or a Client ID Metadata Document.
    public enum Origin: String, Sendable { case admin, dynamic, metadata }

    public var clientID: String
    public var name: String
    public var icon: String?
    public var callbackURL: String?
    public var redirectURIs: [String]
    /// Scopes the client may request; empty means every defined scope.
    public var scope: [String]
    public var tokenEndpointAuthMethod: String
    public var grantTypes: [String]
    public var responseTypes: [String]
    public var origin: Origin
    /// Whether an admin vouches for the client (README "The client trust model"): `admin` clients
    /// are; `dynamic` and `metadata` clients only once an admin verifies them.
    public var verified: Bool
    /// Other registered metadata (RFC 7591 fields latch stores as sent).
    public var metadata: JSON
    /// Seconds since the epoch.
    public var createdAt: Int
    /// A `metadata` client: whether its cached document is still within its cache lifetime
    /// (`clients.metadata_expires_at`); past it, it is fetched again before use. Always true
    /// for other clients.
    public var metadataIsFresh = true

    public init(clientID: String, name: String, icon: String? = nil, callbackURL: String? = nil, redirectURIs: [String],
                scope: [String] = [], tokenEndpointAuthMethod: String = "client_secret_basic",
                grantTypes: [String] = ["authorization_code", "refresh_token"], responseTypes: [String] = ["code"],
                origin: Origin = .admin, verified: Bool? = nil, metadata: JSON = [:], createdAt: Int = 0) {
        self.clientID = clientID
        self.name = name
        self.icon = icon
        self.callbackURL = callbackURL
        self.redirectURIs = redirectURIs
        self.scope = scope
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.grantTypes = grantTypes
        self.responseTypes = responseTypes
        self.origin = origin
        self.verified = verified ?? (origin == .admin)
        self.metadata = metadata
        self.createdAt = createdAt
    }

    public var isPublic: Bool { tokenEndpointAuthMethod == "none" }

    /// The secret methods this client may authenticate with at the token endpoint.
    /// A dynamically registered client is held to its registered method; an admin-created
    /// confidential app accepts both secret methods.
    public func allows(authenticationMethod method: String) -> Bool {
        if isPublic { return method == "none" }
        if origin == .admin { return method == "client_secret_basic" || method == "client_secret_post" }
        return method == tokenEndpointAuthMethod
    }
}

/// Facts about a client secret that may be shown (never the secret itself).
public struct ClientSecretInfo: Sendable, Equatable {
    public let id: String
    public let truncated: String
    public let createdAt: Int
    public let lastUsedAt: Int?
}

/// The `clients` and `client_secrets` tables.
public struct ClientStore {
    let database: Database

    public init(database: Database) { self.database = database }

    static let columns: StaticString = """
        client_id, name, icon, callback_url, redirect_uris, scope, token_endpoint_auth_method, grant_types,
        response_types, origin, verified, metadata::text AS metadata, extract(epoch FROM created_at)::bigint AS created_epoch,
        (metadata_expires_at IS NULL OR metadata_expires_at > now()) AS metadata_fresh
        """

    /// A new public client identifier (not a secret): `app_` + 20 hex characters.
    public static func newClientID() -> String { "app_" + SecureRandom.hex(10) }

    public func find(_ clientID: String) throws -> Client? {
        guard clientID.utf8.count <= 200 else { return nil }
        return try database.query("SELECT \(raw: ClientStore.columns) FROM clients WHERE client_id = \(clientID)")
            .first.map(ClientStore.client(from:))
    }

    public func list() throws -> [Client] {
        try database.query("SELECT \(raw: ClientStore.columns) FROM clients ORDER BY created_at, client_id").map(ClientStore.client(from:))
    }

    @discardableResult
    public func insert(_ client: Client) throws -> Client {
        let rows = try database.query("""
            INSERT INTO clients (client_id, name, icon, callback_url, redirect_uris, scope, token_endpoint_auth_method,
                                 grant_types, response_types, origin, verified, metadata)
            VALUES (\(client.clientID), \(client.name), \(client.icon), \(client.callbackURL), \(TextArray(client.redirectURIs))::text[],
                    \(TextArray(client.scope))::text[], \(client.tokenEndpointAuthMethod), \(TextArray(client.grantTypes))::text[],
                    \(TextArray(client.responseTypes))::text[], \(client.origin.rawValue), \(client.verified), \(client.metadata.serialized)::jsonb)
            RETURNING \(raw: ClientStore.columns)
            """)
        return try ClientStore.client(from: rows[0])
    }

    /// Replaces every stored field of an existing client; false when it does not exist.
    @discardableResult
    public func update(_ client: Client) throws -> Bool {
        try !database.query("""
            UPDATE clients SET name = \(client.name), icon = \(client.icon), callback_url = \(client.callbackURL),
                redirect_uris = \(TextArray(client.redirectURIs))::text[], scope = \(TextArray(client.scope))::text[],
                token_endpoint_auth_method = \(client.tokenEndpointAuthMethod), grant_types = \(TextArray(client.grantTypes))::text[],
                response_types = \(TextArray(client.responseTypes))::text[], metadata = \(client.metadata.serialized)::jsonb,
                updated_at = now()
            WHERE client_id = \(client.clientID) RETURNING client_id
            """).isEmpty
    }

    /// Sets whether an admin vouches for the client; false when it does not exist.
    @discardableResult
    public func setVerified(_ clientID: String, _ verified: Bool) throws -> Bool {
        try !database.query("""
            UPDATE clients SET verified = \(verified), updated_at = now() WHERE client_id = \(clientID) RETURNING client_id
            """).isEmpty
    }

    /// Deletes the client; its secrets, codes, grants and tokens go with it (ON DELETE CASCADE).
    @discardableResult
    public func delete(_ clientID: String) throws -> Bool {
        try !database.query("DELETE FROM clients WHERE client_id = \(clientID) RETURNING client_id").isEmpty
    }

    // MARK: Secrets

    /// Mints a secret for the client; the returned credential's `value` is shown once.
    public func createSecret(for clientID: String) throws -> Credential {
        let secret = Credential.mint(.clientSecret)
        try database.query("""
            INSERT INTO client_secrets (id, client_id, secret_hash, display_prefix)
            VALUES (\(secret.id), \(clientID), \(secret.secretHash), \(ClientStore.truncated(secret)))
            """)
        return secret
    }

    /// What listings show: the prefix and lookup id, never enough to authenticate.
    static func truncated(_ secret: Credential) -> String { secret.kind.rawValue + secret.id + "_…" }

    public func secrets(of clientID: String) throws -> [ClientSecretInfo] {
        try database.query("""
            SELECT id, display_prefix, extract(epoch FROM created_at)::bigint AS created_epoch,
                   extract(epoch FROM last_used_at)::bigint AS used_epoch
            FROM client_secrets WHERE client_id = \(clientID) ORDER BY created_at, id
            """).map {
            ClientSecretInfo(id: try $0.string("id"), truncated: try $0.string("display_prefix"),
                             createdAt: try $0.int("created_epoch"), lastUsedAt: $0.optionalInt("used_epoch"))
        }
    }

    @discardableResult
    public func deleteSecret(_ secretID: String, of clientID: String) throws -> Bool {
        try !database.query("DELETE FROM client_secrets WHERE id = \(secretID) AND client_id = \(clientID) RETURNING id").isEmpty
    }

    /// Whether `presented` is a live secret of `clientID` (constant-time compare of hashes).
    /// Records the use at most once a minute, so that verifying costs no write on hot paths.
    public func verifySecret(_ presented: String, of clientID: String) throws -> Bool {
        guard let secret = Credential.parse(presented, as: .clientSecret) else { return false }
        guard let row = try database.query("""
            SELECT secret_hash, \(raw: ClientStore.staleUse) AS stale
            FROM client_secrets WHERE id = \(secret.id) AND client_id = \(clientID)
            """).first else { return false }
        return try recordUse(of: secret, row: row)
    }

    /// The client, when `presented` is one of its live secrets: the client and its secret are
    /// read in one round trip (the hot token paths' client authentication), the hashes are
    /// compared in constant time here.
    public func find(_ clientID: String, authenticatedBy presented: String) throws -> Client? {
        guard clientID.utf8.count <= 200, let secret = Credential.parse(presented, as: .clientSecret) else { return nil }
        guard let row = try database.query("""
            SELECT \(raw: ClientStore.columns), secret.secret_hash, secret.stale
            FROM clients LEFT JOIN LATERAL (
                SELECT secret_hash, \(raw: ClientStore.staleUse) AS stale FROM client_secrets
                WHERE id = \(secret.id) AND client_secrets.client_id = clients.client_id) AS secret ON true
            WHERE client_id = \(clientID)
            """).first, !row.isNull("secret_hash"), try recordUse(of: secret, row: row) else { return nil }
        return try ClientStore.client(from: row)
    }

    /// Whether a secret's last recorded use is over a minute old.
    static let staleUse: StaticString = "(last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')"

    /// Compares `secret` with the row's `secret_hash`; on a match whose row says `stale`,
    /// records the use. Of several workers that saw the same stale row, the first writes and
    /// the others' UPDATE matches nothing.
    private func recordUse(of secret: Credential, row: Row) throws -> Bool {
        guard secret.matches(storedHash: try row.bytes("secret_hash")) else { return false }
        if try row.bool("stale") {
            try database.query("UPDATE client_secrets SET last_used_at = now() WHERE id = \(secret.id) AND \(raw: ClientStore.staleUse)")
        }
        return true
    }

    static func client(from row: Row) throws -> Client {
        let metadataText = try row.string("metadata")
        var client = Client(
            clientID: try row.string("client_id"), name: try row.string("name"), icon: row.optionalString("icon"),
            callbackURL: row.optionalString("callback_url"), redirectURIs: try row.stringArray("redirect_uris"),
            scope: try row.stringArray("scope"), tokenEndpointAuthMethod: try row.string("token_endpoint_auth_method"),
            grantTypes: try row.stringArray("grant_types"), responseTypes: try row.stringArray("response_types"),
            origin: Client.Origin(rawValue: try row.string("origin")) ?? .admin, verified: try row.bool("verified"),
            metadata: (try? JSON.parse(Array(metadataText.utf8))) ?? [:], createdAt: try row.int("created_epoch"))
        client.metadataIsFresh = (try? row.bool("metadata_fresh")) ?? true
        return client
    }
}
