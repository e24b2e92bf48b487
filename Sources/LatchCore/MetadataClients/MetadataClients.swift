/// Metadata clients as the endpoints use them (README "Client ID Metadata Documents"): the
/// client a `client_id` URL names, from the PostgreSQL cache while it is fresh, else fetched —
/// ONE fetch for any number of concurrent requests on any number of workers and hosts:
///
/// 1. BEGIN; take the URL's transaction-scoped advisory lock (`MetadataClientStore.lock`);
/// 2. read the cache again: a request that waited for the lock finds what the first one
///    stored, and fetches nothing;
/// 3. fetch (`HTTPFetcher`: a few seconds at most, so the transaction is open no longer than
///    the fetch's own timeout), check the document (`MetadataDocument`), store it for the
///    time its `Cache-Control` allows (`CacheLifetime`); COMMIT.
///
/// A failed fetch or an invalid document stores nothing (failures are never cached) and is a
/// `MetadataClientRefusal` naming the problem.
public struct MetadataClients {
    let database: Database
    let policy: MetadataClientPolicy

    public init(database: Database, configuration: Configuration) {
        self.database = database
        policy = MetadataClientPolicy(configuration)
    }

    /// The client `clientID` names, when it is a document URL latch may use: `cached` (the row
    /// read already, if any) while fresh, else fetched. A row of another origin is returned as
    /// it is: an admin's client is never replaced by a document.
    public func client(_ clientID: String, cached: Client?) throws -> Client {
        if let cached, cached.origin != .metadata || cached.metadataIsFresh { return cached }
        let id: MetadataClientID
        switch policy.admit(clientID) {
        case .success(let admitted): id = admitted
        case .failure(let refusal): throw refusal
        }
        let fetcher = policy.fetcher(for: id)
        let store = MetadataClientStore(database: database)
        let wait = (fetcher.policy.totalTimeoutMilliseconds + fetcher.policy.connectTimeoutMilliseconds) / 1000 + 2
        do {
            return try fetchOnce(id, fetcher: fetcher, store: store, waitSeconds: wait)
        } catch let error as DatabaseError where error.sqlState == "55P03" || error.sqlState == "57014" {
            // Waited longer for the lock than any fetch may take: the one holding it is stuck.
            throw MetadataClientRefusal("The app's metadata document is being fetched for other requests; try again in a moment.",
                                        cause: "client metadata lock for \(id.url): \(error)")
        }
    }

    /// Steps 1–3 under the URL's lock, in one transaction.
    private func fetchOnce(_ id: MetadataClientID, fetcher: HTTPFetcher, store: MetadataClientStore,
                           waitSeconds wait: Int) throws -> Client {
        try database.withTransaction { () throws -> Client in
            try store.lock(id.url, waitSeconds: wait)
            if let fresh = try store.fresh(id.url) { return fresh }
            let response: FetchedResponse
            do { response = try fetcher.get(id.url) } catch let error as FetchError {
                throw MetadataClientRefusal("The app's metadata document at \(id.url) could not be used: \(error.description).",
                                            cause: "fetch \(id.url): \(error.code.rawValue): \(error.detail)")
            }
            let defined = try ScopeStore(database: database).all().map(\.name)
            let document: MetadataDocument
            do { document = try MetadataDocument.parse(response.body, clientID: id.url, definedScopes: defined) } catch let error as OAuthError {
                throw MetadataClientRefusal("The app's metadata document at \(id.url) is not valid: \(error.description).",
                                            cause: "document \(id.url): \(error.description)")
            }
            let lifetime = CacheLifetime.seconds(cacheControl: response.header("cache-control"),
                                                 minimum: policy.minimumCache, maximum: policy.maximumCache)
            guard let client = try store.store(document, url: id.url, lifetime: lifetime) else {
                throw MetadataClientRefusal("This client_id belongs to an app registered here another way.")
            }
            return client
        }
    }
}

extension MetadataClients {
    /// Why a `client_id` URL may not be used under the settings in force (off, the host
    /// patterns, the URL rules), also when its document is cached: nil when it may, or when the
    /// client_id is not a URL. Pure: no database, no network.
    static func refusal(of clientID: String, _ configuration: Configuration) -> MetadataClientRefusal? {
        guard MetadataClientID.looksLikeURL(clientID) else { return nil }
        if case .failure(let refusal) = MetadataClientPolicy(configuration).admit(clientID) { return refusal }
        return nil
    }

    /// The token endpoint's full path (README "Client ID Metadata Documents"): a metadata client
    /// whose cached document has expired is fetched again before it may act; a failed fetch or
    /// an invalid document is `401 invalid_client`. A fresh one costs nothing here (its one-trip
    /// statement already acted when it could: `ClientStore.clientCTEs` requires a fresh cache).
    static func current(_ authenticated: AuthenticatedClient, _ context: Context) throws -> AuthenticatedClient {
        let client = authenticated.client
        guard client.origin == .metadata, !client.metadataIsFresh else { return authenticated }
        let refreshed: Client
        do {
            refreshed = try MetadataClients(database: context.database, configuration: context.configuration)
                .client(client.clientID, cached: client)
        } catch let refusal as MetadataClientRefusal {
            throw OAuthError.invalidClient(refusal.description).causedBy(MetadataClientRefusal(refusal.cause ?? refusal.description))
        }
        guard refreshed.allows(authenticationMethod: authenticated.method) else { throw OAuthError.invalidClient() }
        return AuthenticatedClient(client: refreshed, method: authenticated.method)
    }
}
