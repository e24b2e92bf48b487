/// The PostgreSQL cache of Client ID Metadata Documents: `clients` rows with origin `metadata`
/// whose client_id is the document's URL, with `metadata_expires_at` (README "Client ID
/// Metadata Documents"). Every listing shows them as any other client; only this store writes
/// the cache columns.
public struct MetadataClientStore {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Takes the transaction-scoped advisory lock of `url` (a 64-bit hash of it): one fetcher
    /// per URL across every worker and host, released at COMMIT or ROLLBACK — never a session
    /// lock, so it is safe behind PgBouncer in transaction mode. `waitSeconds` bounds the wait
    /// (`lock_timeout`, for this transaction only) — longer than the database bound
    /// (`LATCH_DATABASE_TIMEOUT_MS`), as a fetch may take that long; the statement's own wait is
    /// bounded just past it, so a frozen server still ends it.
    public func lock(_ url: String, waitSeconds: Int) throws {
        try database.query("SELECT set_config('lock_timeout', \(String(waitSeconds * 1000) + "ms"), true)")
        try database.query("SELECT pg_advisory_xact_lock(hashtextextended('latch client metadata ' || \(url)::text, 0)) AS locked",
                           waitingUpTo: waitSeconds * 1000 + 500)
    }

    /// The metadata client `url` while its cached document is fresh, else nil.
    public func fresh(_ url: String) throws -> Client? {
        guard url.utf8.count <= MetadataClientID.maxLength else { return nil }
        return try database.query("""
            SELECT \(raw: ClientStore.columns) FROM clients
            WHERE client_id = \(url) AND origin = 'metadata' AND metadata_expires_at > now()
            """).first.map(ClientStore.client(from:))
    }

    /// Stores a valid document as the client `url` for `lifetime` seconds: a new unverified
    /// `metadata` client, or the cached one replaced (its verified flag kept). When the
    /// document's `consentBinding` (redirect URIs and keys) differs from the one cached,
    /// remembered consent ends (`consent_since`). Never touches a client of another origin
    /// that happens to have that id: nil then.
    public func store(_ document: MetadataDocument, url: String, lifetime: Int) throws -> Client? {
        let client = document.metadata.client(id: url)
        return try database.query("""
            INSERT INTO clients (client_id, name, icon, callback_url, redirect_uris, scope, token_endpoint_auth_method,
                                 grant_types, response_types, origin, verified, metadata,
                                 metadata_fetched_at, metadata_expires_at, consent_binding)
            VALUES (\(url), \(client.name), \(client.icon), \(client.callbackURL), \(TextArray(client.redirectURIs))::text[],
                    \(TextArray(client.scope))::text[], \(client.tokenEndpointAuthMethod), \(TextArray(client.grantTypes))::text[],
                    \(TextArray(client.responseTypes))::text[], 'metadata', false, \(client.metadata.serialized)::jsonb,
                    now(), now() + make_interval(secs => \(lifetime)), \(document.consentBinding))
            ON CONFLICT (client_id) DO UPDATE SET
                name = EXCLUDED.name, icon = EXCLUDED.icon, callback_url = EXCLUDED.callback_url,
                redirect_uris = EXCLUDED.redirect_uris, scope = EXCLUDED.scope,
                token_endpoint_auth_method = EXCLUDED.token_endpoint_auth_method, grant_types = EXCLUDED.grant_types,
                response_types = EXCLUDED.response_types, metadata = EXCLUDED.metadata,
                metadata_fetched_at = EXCLUDED.metadata_fetched_at, metadata_expires_at = EXCLUDED.metadata_expires_at,
                consent_since = CASE WHEN clients.consent_binding IS DISTINCT FROM EXCLUDED.consent_binding
                                     THEN now() ELSE clients.consent_since END,
                consent_binding = EXCLUDED.consent_binding, updated_at = now()
            WHERE clients.origin = 'metadata'
            RETURNING \(raw: ClientStore.columns)
            """).first.map(ClientStore.client(from:))
    }
}
