/// The settings of Client ID Metadata Documents in force (README "Client ID Metadata
/// Documents"): whether they are on, which hosts may be clients, the development mode, and the
/// fetcher a document URL is fetched with.
public struct MetadataClientPolicy: Sendable {
    public let enabled: Bool
    public let allow: HostPatterns
    public let deny: HostPatterns
    public let developmentLoopback: Bool
    public let minimumCache: Int
    public let maximumCache: Int

    public init(_ configuration: Configuration) {
        enabled = configuration.clientMetadata
        allow = configuration.clientMetadataAllow
        deny = configuration.clientMetadataDeny
        developmentLoopback = configuration.clientMetadataDevLoopback
        minimumCache = configuration.clientMetadataMinCache
        maximumCache = configuration.clientMetadataMaxCache
    }

    /// The client_id as a document URL latch may fetch, or why not (a sentence for the
    /// person or the client).
    public func admit(_ clientID: String) -> Result<MetadataClientID, MetadataClientRefusal> {
        guard enabled else { return .failure(MetadataClientRefusal("this server does not accept client metadata documents")) }
        if let problem = MetadataClientID.problem(clientID, developmentLoopback: developmentLoopback) {
            return .failure(MetadataClientRefusal(problem))
        }
        guard let id = MetadataClientID(clientID, developmentLoopback: developmentLoopback) else {
            return .failure(MetadataClientRefusal("the client_id URL is not valid"))
        }
        let host = id.host.hasPrefix("[") ? id.host : String(id.host.prefix { $0 != ":" })
        if deny.matches(host) || (!allow.isEmpty && !allow.matches(host)) {
            return .failure(MetadataClientRefusal("this server does not accept clients from \(host)"))
        }
        return .success(id)
    }

    /// The fetcher for `id`: the hardened defaults (https, certificate checks, no special-use
    /// address, 5 KiB, JSON) — or, in the development mode for `127.0.0.1`/`localhost`, http
    /// or https without certificate checks to loopback addresses only.
    public func fetcher(for id: MetadataClientID) -> HTTPFetcher {
        var policy = HTTPFetchPolicy()
        if id.isDevelopmentLoopback {
            policy.schemes = ["http", "https"]
            policy.verifiesCertificates = false
            policy.acceptsAddress = { SpecialUseAddress.isLoopback($0) }
        }
        return HTTPFetcher(policy: policy)
    }
}

/// Why a client_id URL is not admitted or its document not accepted: the sentence shown.
public struct MetadataClientRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    /// What the log gets (the fetch error's detail); nil when the description says it all.
    public let cause: String?
    public init(_ description: String, cause: String? = nil) {
        self.description = description
        self.cause = cause
    }

    /// The description as a sentence for a page: capitalised, ending with a full stop.
    public var sentence: String {
        let text = description.prefix(1).uppercased() + description.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }
}
