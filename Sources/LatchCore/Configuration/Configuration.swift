import Glibc

/// Settings read from the environment once at start (systemd `EnvironmentFile=`).
/// Every bad value is reported with the variable's name and what it expects.
public struct Configuration: Sendable {
    public enum RegistrationMode: String, Sendable { case open, admin, off }

    public var databaseURL: String
    /// Issuer identifier without a trailing slash; every absolute URL is built from it.
    public var issuer: String { didSet { resolveResources() } }
    /// The protected resource this deployment advertises (RFC 9728), default the issuer.
    public var resource: String { didSet { resolveResources() } }
    /// The audience of a token whose request named no `resource` (`LATCH_DEFAULT_RESOURCE`).
    public var defaultResource: String { didSet { resolveResources() } }
    /// latch's own API (`LATCH_RESOURCE`) in normal form (`ResourceIdentifier`): always a
    /// registered resource, and the audience `/api/v2/users/me` accepts. Worked out once, when
    /// the settings are (the gate and introspection compare it on every request).
    public private(set) var ownResource: String
    /// Where latch's own API's metadata is, as RFC 9728 §3.1 derives it from the identifier (its
    /// origin, `/.well-known/oauth-protected-resource`, its path): with the default
    /// `LATCH_RESOURCE` (the issuer) `<issuer>/.well-known/oauth-protected-resource`; with a path,
    /// the path follows (a client checks the document's `resource` against that URL, §3.3).
    public private(set) var ownResourceMetadataURL: String
    /// The audience of a token whose request named no resource (`LATCH_DEFAULT_RESOURCE`), in
    /// normal form. When it is not a registered resource such requests are `invalid_target`.
    public private(set) var defaultResourceIdentifier: String
    public var codeLifetime: Int
    public var accessTokenLifetime: Int
    public var refreshTokenLifetime: Int
    public var sessionLifetime: Int
    /// Absolute lifetime of a grant, seconds: rotation never extends a refresh token past it.
    public var grantMaxLifetime: Int
    /// A dynamic client that obtained no token for this many days is removed by the purge.
    public var dynamicClientIdleDays: Int
    /// Tokens a minute per unverified client (`429` past it; requests that obtain nothing do not count).
    public var unverifiedTokensPerMinute: Int
    /// Seconds after a rotation in which a second use of the just-rotated refresh token by the
    /// same client gets a fresh pair of its own instead of revoking the grant (0: never).
    public var refreshReuseGrace: Int
    public var maxBodyBytes: Int
    public var registration: RegistrationMode
    public var registrationsPerMinute: Int
    public var failedSignInsPerMinute: Int
    public var trustRemoteUser: Bool
    /// The secret nginx sends as the FastCGI parameter `LATCH_FRONT_SECRET`, read from
    /// `LATCH_FRONT_SECRET_FILE`: `REMOTE_USER` counts only on requests that carry it.
    public var frontSecret: String?
    /// Whether `/demo/callback` (the demo app's redirect URI) is served (`LATCH_DEMO`).
    public var demo: Bool
    /// Lowest level written to the log (`LATCH_LOG_LEVEL`).
    public var logLevel: Log.Level
    /// A request slower than this is logged at `warning` with `"slow":true`; 0 turns it off.
    public var slowRequestMilliseconds: Int
    /// Whether `GET /metrics` and the shared-memory counters are on (`LATCH_METRICS`).
    public var metricsEnabled: Bool

    // Issue 15: Client ID Metadata Documents (README "Client ID Metadata Documents").
    /// Whether a `client_id` URL names a client whose metadata latch fetches (`LATCH_CLIENT_METADATA`).
    public var clientMetadata = true
    /// Hosts that may be metadata clients; empty: every host (`LATCH_CLIENT_METADATA_ALLOW`).
    public var clientMetadataAllow = HostPatterns(patterns: [])
    /// Hosts that may never be metadata clients (`LATCH_CLIENT_METADATA_DENY`).
    public var clientMetadataDeny = HostPatterns(patterns: [])
    /// Development only: documents on `127.0.0.1`/`localhost` over http, or https without
    /// certificate checks (`LATCH_CLIENT_METADATA_DEV_LOOPBACK`; `deploy/stack` sets it).
    public var clientMetadataDevLoopback = false
    /// Bounds of a document's cache lifetime, seconds (`LATCH_CLIENT_METADATA_MIN_CACHE`, `_MAX_CACHE`).
    public var clientMetadataMinCache = 300
    public var clientMetadataMaxCache = 86_400
    // Issue 16 (OpenID Connect): signing keys (README "OpenID Connect").
    /// The key-encryption key of the signing keys, its file, publish delay and rotation period.
    public var keys: KeySettings
    // Issue 17: database high availability (README "Running latch for real").
    /// The bound on every database wait, and on how long a request may have waited for a
    /// worker before it is refused (`LATCH_DATABASE_TIMEOUT_MS`).
    public var databaseTimeoutMilliseconds = 2000
    /// How statements reach the server: directly or through a transaction-mode pooler
    /// (`LATCH_DATABASE_POOLING`).
    public var databasePooling: DatabaseOptions.Pooling = .session
    /// A hot standby for the reads of the gate, userinfo and discovery (`LATCH_READ_DATABASE_URL`); nil:
    /// the primary only.
    public var readDatabaseURL: String?
    /// How far behind the standby may be before the gate reads from the primary instead
    /// (`LATCH_READ_MAX_LAG_MS`): revocation reaches the gate within it.
    public var readMaxLagMilliseconds = 1000

    /// One row of the documented table: variable, default, meaning.
    public static let documentation: [(variable: String, defaultValue: String, meaning: String)] = [
        ("LATCH_DATABASE_URL", "(required)", "libpq connection string or postgresql:// URL"),
        ("LATCH_ISSUER", "(required)", "issuer URL, e.g. https://auth.example.com; every absolute URL is built from it"),
        ("LATCH_RESOURCE", "LATCH_ISSUER", "protected-resource identifier advertised at /.well-known/oauth-protected-resource"),
        ("LATCH_DEFAULT_RESOURCE", "LATCH_RESOURCE", "audience of tokens whose request names no resource; when it is not a registered resource (latchctl resource add), such requests are refused with invalid_target"),
        ("LATCH_CODE_LIFETIME", "600", "authorization code lifetime, seconds"),
        ("LATCH_ACCESS_TOKEN_LIFETIME", "3600", "access token lifetime, seconds"),
        ("LATCH_REFRESH_TOKEN_LIFETIME", "2592000", "refresh token lifetime, seconds (30 days)"),
        ("LATCH_SESSION_LIFETIME", "86400", "sign-in session lifetime, seconds"),
        ("LATCH_GRANT_MAX_LIFETIME", "7776000", "absolute lifetime of a grant, seconds (90 days); refresh never extends past it"),
        ("LATCH_DYNAMIC_CLIENT_IDLE_DAYS", "30", "days after which an unverified dynamic or metadata client that obtained no token is purged"),
        ("LATCH_UNVERIFIED_TOKEN_RATE_LIMIT", "120", "tokens a minute per unverified client (429 past it); verified clients are not limited"),
        ("LATCH_REFRESH_REUSE_GRACE", "0", "seconds in which a concurrent reuse of a just-rotated refresh token gets its own pair (0: reuse always revokes)"),
        ("LATCH_MAX_BODY_BYTES", "65536", "largest request body accepted; larger is 413"),
        ("LATCH_REGISTRATION", "open", "dynamic client registration: open, admin or off"),
        ("LATCH_REGISTRATION_RATE_LIMIT", "20", "registrations a minute per source address"),
        ("LATCH_SIGNIN_FAILURE_LIMIT", "10", "failed sign-ins a minute per source address (IPv6: per /64); per account, the 5th consecutive failure on makes it wait 1 s, 2 s, 4 s ... (up to 1 hour), the 100th 24 hours"),
        ("LATCH_TRUST_REMOTE_USER", "false", "trust REMOTE_USER set by nginx as the signed-in user (needs LATCH_FRONT_SECRET_FILE)"),
        ("LATCH_FRONT_SECRET_FILE", "(none)", "file holding the secret nginx sends as the FastCGI parameter LATCH_FRONT_SECRET (at least 32 characters); REMOTE_USER counts only with it"),
        ("LATCH_FRONT_SECRET", "(none)", "the same secret given directly, when LATCH_FRONT_SECRET_FILE is not set"),
        ("LATCH_ALLOW_INSECURE_ISSUER", "false", "accept a plain-http LATCH_ISSUER whose host is not loopback (never in production)"),
        ("LATCH_DEMO", "false", "serve /demo/callback, the redirect URI of the demo app (deploy/stack sets it)"),
        ("LATCH_LOG_LEVEL", "info", "lowest log level written to stderr: debug, info, warning or error"),
        ("LATCH_SLOW_REQUEST_MS", "500", "requests slower than this are logged as warnings (0 = never)"),
        ("LATCH_METRICS", "true", "count requests in shared memory and serve GET /metrics (Prometheus text)"),
        // Issue 15: Client ID Metadata Documents.
        ("LATCH_CLIENT_METADATA", "on", "on or off: a client_id that is an https URL names a client whose metadata document latch fetches"),
        ("LATCH_CLIENT_METADATA_ALLOW", "(any host)", "comma-separated host patterns (example.com, *.example.com) that may be metadata clients; others are refused"),
        ("LATCH_CLIENT_METADATA_DENY", "(none)", "comma-separated host patterns that may never be metadata clients (wins over the allow list)"),
        ("LATCH_CLIENT_METADATA_MIN_CACHE", "300", "shortest time a fetched metadata document is cached, seconds (also for no-store, no-cache or no max-age)"),
        ("LATCH_CLIENT_METADATA_MAX_CACHE", "86400", "longest time a fetched metadata document is cached, seconds"),
        ("LATCH_CLIENT_METADATA_DEV_LOOPBACK", "false", "development and tests only: fetch documents from 127.0.0.1 or localhost, over http or https without certificate checks"),
        // Issue 16 (OpenID Connect).
        ("LATCH_KEY_ENCRYPTION_KEY_FILE", "(none)", "file of 32 random bytes (or 64 hex digits) that encrypts the signing keys in the database (AES-256-GCM); without it nothing is signed (no ID tokens)"),
        ("LATCH_KEY_PUBLISH_DELAY", "3600", "seconds a new signing key is published in /oauth2/jwks before it signs"),
        ("LATCH_KEY_ROTATION_DAYS", "30", "days after which latchctl purge rotates the signing keys"),
        // Issue 17: database high availability.
        ("LATCH_DATABASE_TIMEOUT_MS", "2000", "bound on every database wait, milliseconds (then the statement is cancelled and the request answers 503); also the oldest a request may be when a worker takes it (LATCH_REQUEST_START from nginx)"),
        ("LATCH_READ_DATABASE_URL", "(none)", "libpq connection string of a hot standby for the reads of the gate, userinfo and discovery (/oauth2/check, /oauth2/userinfo, /.well-known/*); skipped for the primary when unreachable or behind by more than LATCH_READ_MAX_LAG_MS"),
        ("LATCH_READ_MAX_LAG_MS", "1000", "how far behind the standby of LATCH_READ_DATABASE_URL may be, milliseconds: a revocation reaches the gate within it"),
        ("LATCH_DATABASE_POOLING", "session", "session (direct to PostgreSQL: named prepared statements) or transaction (behind PgBouncer pool_mode=transaction: unnamed statements only)"),
    ]

    public init(databaseURL: String, issuer: String) {
        self.databaseURL = databaseURL
        self.issuer = issuer
        resource = issuer
        defaultResource = issuer
        ownResource = issuer
        ownResourceMetadataURL = issuer
        defaultResourceIdentifier = issuer
        codeLifetime = 600
        accessTokenLifetime = 3600
        refreshTokenLifetime = 2_592_000
        sessionLifetime = 86_400
        grantMaxLifetime = 7_776_000
        dynamicClientIdleDays = 30
        unverifiedTokensPerMinute = 120
        refreshReuseGrace = 0
        maxBodyBytes = 65_536
        registration = .open
        registrationsPerMinute = 20
        failedSignInsPerMinute = 10
        trustRemoteUser = false
        frontSecret = nil
        demo = false
        logLevel = .info
        slowRequestMilliseconds = 500
        metricsEnabled = true
        keys = KeySettings()
        resolveResources()
    }

    /// Reads and validates every variable; collects all problems into one error.
    ///
    /// `readFile` reads `LATCH_FRONT_SECRET_FILE` (nil when it cannot be read).
    public static func fromEnvironment(_ environment: [String: String],
                                       readFile: (String) -> String? = Configuration.readSmallFile) throws(ConfigurationError) -> Configuration {
        var problems: [String] = []
        let databaseURL = environment["LATCH_DATABASE_URL"] ?? ""
        if databaseURL.isEmpty { problems.append("LATCH_DATABASE_URL is not set: give a libpq connection string, e.g. 'host=/run/postgresql dbname=latch'") }
        let rawIssuer = environment["LATCH_ISSUER"] ?? ""
        var issuer = rawIssuer
        while issuer.hasSuffix("/") { issuer.removeLast() }
        if rawIssuer.isEmpty {
            problems.append("LATCH_ISSUER is not set: give the public URL of this server, e.g. https://auth.example.com")
        } else if !isIssuer(issuer) {
            problems.append("LATCH_ISSUER='\(rawIssuer)' must be an absolute http(s) URL without query or fragment")
        }
        var configuration = Configuration(databaseURL: databaseURL, issuer: issuer)
        func flag(_ name: String) -> Bool? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default:
                problems.append("\(name)='\(text)' must be true or false")
                return nil
            }
        }
        if !rawIssuer.isEmpty, isIssuer(issuer), issuer.hasPrefix("http://"),
           !RedirectURI.isLoopback(host: RedirectURI.host(of: issuer) ?? ""), flag("LATCH_ALLOW_INSECURE_ISSUER") != true {
            problems.append("LATCH_ISSUER='\(rawIssuer)' is plain http on a host that is not loopback: browsers would send sessions and codes in clear text. Use https (or LATCH_ALLOW_INSECURE_ISSUER=true for a test network)")
        }
        configuration.demo = flag("LATCH_DEMO") ?? false
        if let resource = environment["LATCH_RESOURCE"], !resource.isEmpty {
            if ResourceIdentifier.normalized(resource) != nil { configuration.resource = resource }
            else { problems.append("LATCH_RESOURCE='\(resource)' must be an absolute URI without fragment") }
        }
        configuration.defaultResource = configuration.resource
        if let resource = environment["LATCH_DEFAULT_RESOURCE"], !resource.isEmpty {
            if ResourceIdentifier.normalized(resource) != nil { configuration.defaultResource = resource }
            else { problems.append("LATCH_DEFAULT_RESOURCE='\(resource)' must be an absolute URI without fragment") }
        }
        func seconds(_ name: String, _ keyPath: WritableKeyPath<Configuration, Int>, range: ClosedRange<Int>) {
            guard let text = environment[name], !text.isEmpty else { return }
            guard let value = Int(text), range.contains(value) else {
                problems.append("\(name)='\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return
            }
            configuration[keyPath: keyPath] = value
        }
        seconds("LATCH_CODE_LIFETIME", \.codeLifetime, range: 10...3600)
        seconds("LATCH_ACCESS_TOKEN_LIFETIME", \.accessTokenLifetime, range: 10...86_400 * 7)
        seconds("LATCH_REFRESH_TOKEN_LIFETIME", \.refreshTokenLifetime, range: 60...86_400 * 365)
        seconds("LATCH_SESSION_LIFETIME", \.sessionLifetime, range: 60...86_400 * 90)
        seconds("LATCH_GRANT_MAX_LIFETIME", \.grantMaxLifetime, range: 60...86_400 * 3650)
        seconds("LATCH_DYNAMIC_CLIENT_IDLE_DAYS", \.dynamicClientIdleDays, range: 1...3650)
        seconds("LATCH_UNVERIFIED_TOKEN_RATE_LIMIT", \.unverifiedTokensPerMinute, range: 1...1_000_000)
        seconds("LATCH_REFRESH_REUSE_GRACE", \.refreshReuseGrace, range: 0...300)
        seconds("LATCH_MAX_BODY_BYTES", \.maxBodyBytes, range: 1024...16_777_216)
        seconds("LATCH_REGISTRATION_RATE_LIMIT", \.registrationsPerMinute, range: 1...1_000_000)
        seconds("LATCH_SIGNIN_FAILURE_LIMIT", \.failedSignInsPerMinute, range: 1...1_000_000)
        seconds("LATCH_SLOW_REQUEST_MS", \.slowRequestMilliseconds, range: 0...3_600_000)
        if let text = environment["LATCH_LOG_LEVEL"], !text.isEmpty {
            if let level = Log.Level(name: text.lowercased()) { configuration.logLevel = level }
            else { problems.append("LATCH_LOG_LEVEL='\(text)' must be one of debug, info, warning, error") }
        }
        if let text = environment["LATCH_REGISTRATION"], !text.isEmpty {
            if let mode = RegistrationMode(rawValue: text) { configuration.registration = mode }
            else { problems.append("LATCH_REGISTRATION='\(text)' must be one of open, admin, off") }
        }
        configuration.trustRemoteUser = flag("LATCH_TRUST_REMOTE_USER") ?? false
        // The secret comes from LATCH_FRONT_SECRET_FILE or, without one, from LATCH_FRONT_SECRET
        // itself (the name the contract gives it; e.g. a systemd EnvironmentFile= only root reads).
        let frontSecretFile = environment["LATCH_FRONT_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let frontSecretSource: (name: String, text: String?)? = frontSecretFile.map { ("LATCH_FRONT_SECRET_FILE='\($0)'", readFile($0)) }
            ?? environment["LATCH_FRONT_SECRET"].flatMap { $0.isEmpty ? nil : ("LATCH_FRONT_SECRET", $0) }
        if let (name, text) = frontSecretSource {
            let secret = text.map { text in
                String(text.unicodeScalars.drop { " \t\r\n".unicodeScalars.contains($0) }.reversed()
                    .drop { " \t\r\n".unicodeScalars.contains($0) }.reversed().map(Character.init))
            }
            if let secret, secret.utf8.count >= 32, secret.utf8.count <= 1024,
               secret.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                configuration.frontSecret = secret
            } else if secret == nil {
                problems.append("\(name) cannot be read")
            } else {
                problems.append("\(name) must hold one secret of 32 to 1024 printable ASCII characters without quotes or backslashes, e.g. from 'openssl rand -hex 32'")
            }
        }
        if configuration.trustRemoteUser && configuration.frontSecret == nil {
            problems.append("LATCH_TRUST_REMOTE_USER=true needs LATCH_FRONT_SECRET_FILE (or LATCH_FRONT_SECRET): without the secret nginx sends, anyone who reaches the FastCGI socket could name any user")
        }
        if let text = environment["LATCH_METRICS"], !text.isEmpty {
            switch text.lowercased() {
            case "true", "1", "yes", "on": configuration.metricsEnabled = true
            case "false", "0", "no", "off": configuration.metricsEnabled = false
            default: problems.append("LATCH_METRICS='\(text)' must be true or false")
            }
        }
        // Issue 15: Client ID Metadata Documents.
        if let text = environment["LATCH_CLIENT_METADATA"], !text.isEmpty {
            switch text.lowercased() {
            case "on", "true", "1", "yes": configuration.clientMetadata = true
            case "off", "false", "0", "no": configuration.clientMetadata = false
            default: problems.append("LATCH_CLIENT_METADATA='\(text)' must be on or off")
            }
        }
        for (name, keyPath) in [("LATCH_CLIENT_METADATA_ALLOW", \Configuration.clientMetadataAllow),
                                ("LATCH_CLIENT_METADATA_DENY", \Configuration.clientMetadataDeny)] {
            guard let text = environment[name], !text.isEmpty else { continue }
            if let patterns = HostPatterns.parse(text) { configuration[keyPath: keyPath] = patterns }
            else { problems.append("\(name)='\(text)' must be comma-separated host names, each optionally starting with '*.'") }
        }
        configuration.clientMetadataDevLoopback = flag("LATCH_CLIENT_METADATA_DEV_LOOPBACK") ?? false
        seconds("LATCH_CLIENT_METADATA_MIN_CACHE", \.clientMetadataMinCache, range: 0...604_800)
        seconds("LATCH_CLIENT_METADATA_MAX_CACHE", \.clientMetadataMaxCache, range: 60...2_592_000)
        if configuration.clientMetadataMinCache > configuration.clientMetadataMaxCache {
            problems.append("LATCH_CLIENT_METADATA_MIN_CACHE must not exceed LATCH_CLIENT_METADATA_MAX_CACHE")
        }
        // Issue 16 (OpenID Connect).
        configuration.keys = KeySettings.fromEnvironment(environment, problems: &problems)
        // Issue 17: database high availability.
        seconds("LATCH_DATABASE_TIMEOUT_MS", \.databaseTimeoutMilliseconds, range: 100...600_000)
        if let text = environment["LATCH_DATABASE_POOLING"], !text.isEmpty {
            if let pooling = DatabaseOptions.Pooling(rawValue: text.lowercased()) { configuration.databasePooling = pooling }
            else { problems.append("LATCH_DATABASE_POOLING='\(text)' must be session or transaction") }
        }
        configuration.readDatabaseURL = environment["LATCH_READ_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        seconds("LATCH_READ_MAX_LAG_MS", \.readMaxLagMilliseconds, range: 0...3_600_000)
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return configuration
    }

    /// The contents of a small file (at most 64 KiB), nil when it cannot be read.
    public static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 65_536)
        let count = fread(&bytes, 1, bytes.count, file)
        guard ferror(file) == 0 else { return nil }
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }

    /// Works out the normal forms of `resource` and `defaultResource` and the metadata URL.
    private mutating func resolveResources() {
        ownResource = ResourceIdentifier.normalized(resource) ?? resource
        ownResourceMetadataURL = ResourceIdentifier.metadataURL(of: ownResource) ?? url("/.well-known/oauth-protected-resource")
        defaultResourceIdentifier = ResourceIdentifier.normalized(defaultResource) ?? defaultResource
    }

    /// Whether cookies must carry `Secure`.
    public var isSecure: Bool { issuer.hasPrefix("https://") }

    /// `issuer + path`, e.g. `url("/oauth2/tokens")`.
    public func url(_ path: String) -> String { issuer + path }

    static func isIssuer(_ text: String) -> Bool {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return false }
        guard !text.contains("?"), !text.contains("#"), !text.contains(" ") else { return false }
        let rest = text.drop { $0 != "/" }.dropFirst(2)
        return !rest.isEmpty && !rest.hasPrefix("/")
    }
}

public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "latch: bad configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n") }
}
