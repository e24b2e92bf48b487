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
        return try database.withTransaction { () throws -> Client in
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
