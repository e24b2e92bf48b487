/// RFC 7591 §2 client metadata, as latch accepts it at `POST /oauth2/register` and
/// `PUT /oauth2/clients/{client_id}`, and as it reports it back.
///
/// Rules (README "Clients and admins"; RFC 7591 §2 and §2.1):
/// - defaults: `token_endpoint_auth_method=client_secret_basic`,
///   `grant_types=["authorization_code","refresh_token"]`, `response_types=["code"]`
///   (`[]` when the client does not use the authorization code grant), `application_type=web`;
/// - `application_type` (OpenID Connect Dynamic Client Registration §2) is `web` or `native`,
///   anything else `invalid_client_metadata`; it is stored in `clients.metadata` and always
///   answered (a client stored without one is `web`);
/// - `redirect_uris` is required unless the only grant is `client_credentials`; each URI goes
///   through `RedirectURI.problem` (`invalid_redirect_uri`);
/// - a public client (`none`) may not use `client_credentials`, nor may an unverified
///   (anonymous) one; `client_name` follows `ClientName`; `refresh_token` needs
///   `authorization_code`; `response_types` `code` goes with `authorization_code` and only with it;
/// - anything of the wrong type, an unknown grant type, response type or authentication method,
///   or an undefined scope is `invalid_client_metadata`;
/// - members latch does not know are ignored ("The authorization server MUST ignore any client
///   metadata sent by the client that it does not understand", §2); known informational ones
///   (`client_uri`, `policy_uri`, `tos_uri`, `contacts`, `software_id`, `software_version`) are
///   kept in `clients.metadata`; an empty optional URL is treated as absent and never echoed.
public struct ClientMetadata: Sendable, Equatable {
    public static let supportedGrantTypes = ["authorization_code", "refresh_token", "client_credentials"]
    public static let supportedResponseTypes = ["code"]
    public static let supportedAuthenticationMethods = ["client_secret_basic", "client_secret_post", "none", "private_key_jwt"]
    static let keptURLs = ["client_uri", "policy_uri", "tos_uri"]
    static let keptStrings = ["software_id", "software_version"]
    public static let applicationTypes = ["web", "native"]

    public var redirectURIs: [String]
    public var tokenEndpointAuthMethod: String
    public var grantTypes: [String]
    public var responseTypes: [String]
    public var clientName: String?
    public var logoURI: String?
    public var scope: [String]
    /// The informational members kept as sent (a JSON object).
    public var other: JSON

    public var isPublic: Bool { tokenEndpointAuthMethod == "none" }

    /// Validates a registration (or RFC 7592 update) request body for a client that will be
    /// `verified` (registered with an admin token) or not (anonymous): an unverified client may
    /// not use `client_credentials` nor register an operating-system handler scheme.
    public static func parse(_ members: [(String, JSON)], definedScopes: [String],
                             verified: Bool = false) throws(OAuthError) -> ClientMetadata {
        let body = JSONMembers(members, code: .invalidClientMetadata)

        let method = try body.string("token_endpoint_auth_method", maxLength: 100) ?? "client_secret_basic"
        guard supportedAuthenticationMethods.contains(method) else {
            throw body.failure("token_endpoint_auth_method '\(method)' is not supported; use client_secret_basic, client_secret_post, private_key_jwt or none")
        }

        let grants = try body.strings("grant_types", maxLength: 200) ?? ["authorization_code", "refresh_token"]
        guard !grants.isEmpty else { throw body.failure("grant_types must not be empty") }
        for grant in grants where !supportedGrantTypes.contains(grant) {
            throw body.failure("grant type '\(grant)' is not supported; use authorization_code, refresh_token or client_credentials")
        }
        let usesCode = grants.contains("authorization_code")
        if grants.contains("refresh_token") && !usesCode {
            throw body.failure("grant type refresh_token is only available together with authorization_code")
        }
        if method == "none" && grants.contains("client_credentials") {
            throw body.failure("a public client (token_endpoint_auth_method none) cannot use client_credentials")
        }
        if !verified && grants.contains("client_credentials") {
            throw body.failure("client_credentials is only for verified clients: register with an admin token "
                               + "(Authorization: Bearer) or ask an admin to create the app")
        }

        let responses = try body.strings("response_types", maxLength: 200) ?? (usesCode ? ["code"] : [])
        for response in responses where !supportedResponseTypes.contains(response) {
            throw body.failure("response type '\(response)' is not supported; only code")
        }
        if usesCode != responses.contains("code") {
            throw body.failure(usesCode ? "the authorization_code grant needs response_types [\"code\"]"
                                        : "response type code needs the authorization_code grant")
        }

        guard let uris = try body.strings("redirect_uris") ?? (usesCode ? nil : []) else {
            throw body.failure("redirect_uris is required for the authorization_code grant")
        }
        if usesCode && uris.isEmpty { throw body.failure("redirect_uris must list at least one URI") }
        try JSONMembers.checkRedirectURIs(uris, verified: verified)

        var name = try body.string("client_name", maxLength: 2000)
        if name?.isEmpty == true { name = nil }
        if let name { _ = try ClientName.checked(name, field: "client_name") }
        let logo = try body.webURL("logo_uri")
        let scopes = try body.scopes("scope", defined: definedScopes)

        let applicationType = try body.string("application_type", maxLength: 20) ?? "web"
        guard applicationTypes.contains(applicationType) else {
            throw body.failure("application_type '\(applicationType)' is not supported; use web or native")
        }

        var other: [(String, JSON)] = [("application_type", .string(applicationType))]
        for key in keptURLs { if let url = try body.webURL(key) { other.append((key, .string(url))) } }
        if let contacts = try body.strings("contacts", maxLength: 320), !contacts.isEmpty {
            other.append(("contacts", .array(contacts.map { .string($0) })))
        }
        for key in keptStrings { if let text = try body.string(key, maxLength: 200), !text.isEmpty { other.append((key, .string(text))) } }
        // OpenID Connect Registration 1.0 §2 (README "OpenID Connect"): the ID token's algorithm.
        if let algorithm = try body.string("id_token_signed_response_alg", maxLength: 20) {
            guard JWSAlgorithm(rawValue: algorithm) != nil else {
                throw body.failure("id_token_signed_response_alg '\(algorithm)' is not supported; use RS256 or ES256")
            }
            other.append(("id_token_signed_response_alg", .string(algorithm)))
        }
        // private_key_jwt (RFC 7523 §2.2, RFC 7591 §2): the client's public keys, as `jwks` (each
        // a public RS256 or ES256 JWK) or a `jwks_uri` (https; stored, not fetched yet).
        let jwks = body.value("jwks")
        let jwksURI = try body.webURL("jwks_uri")
        if jwks != nil && jwksURI != nil { throw body.failure("give jwks or jwks_uri, not both") }
        if method == "private_key_jwt" && jwks == nil && jwksURI == nil {
            throw body.failure("token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri")
        }
        if let jwks {
            guard let keys = jwks["keys"]?.arrayValue, (1...10).contains(keys.count) else {
                throw body.failure("jwks must be a JWK Set with 1 to 10 keys")
            }
            for key in keys {
                do { _ = try PublicJWK(json: key, allowed: [.rs256, .es256]) } catch {
                    throw body.failure("jwks: \(error.message)")
                }
            }
            other.append(("jwks", jwks))
        }
        if let jwksURI {
            guard jwksURI.hasPrefix("https://") else { throw body.failure("jwks_uri must be an https URL") }
            other.append(("jwks_uri", .string(jwksURI)))
        }
        // OpenID Connect RP-Initiated Logout 1.0 §3.1: where /oauth2/logout may send the browser
        // afterwards, held to the rules of redirect_uris.
        if let uris = try body.strings("post_logout_redirect_uris"), !uris.isEmpty {
            try JSONMembers.checkRedirectURIs(uris, verified: verified)
            other.append(("post_logout_redirect_uris", .array(uris.map { .string($0) })))
        }

        return ClientMetadata(redirectURIs: uris, tokenEndpointAuthMethod: method, grantTypes: grants, responseTypes: responses,
                              clientName: name, logoURI: logo, scope: scopes, other: .object(other))
    }

    public init(redirectURIs: [String], tokenEndpointAuthMethod: String, grantTypes: [String], responseTypes: [String],
                clientName: String?, logoURI: String?, scope: [String], other: JSON) {
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.grantTypes = grantTypes
        self.responseTypes = responseTypes
        self.clientName = clientName
        self.logoURI = logoURI
        self.scope = scope
        self.other = other
    }

    /// The metadata of a stored client.
    public init(client: Client) {
        self.init(redirectURIs: client.redirectURIs, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
                  grantTypes: client.grantTypes, responseTypes: client.responseTypes, clientName: client.name,
                  logoURI: client.icon, scope: client.scope, other: client.metadata.objectValue.map(JSON.object) ?? [:])
    }

    /// The client this metadata describes; without `client_name` the name is the client_id.
    public func client(id clientID: String) -> Client {
        Client(clientID: clientID, name: clientName ?? clientID, icon: logoURI, callbackURL: redirectURIs.first,
               redirectURIs: redirectURIs, scope: scope, tokenEndpointAuthMethod: tokenEndpointAuthMethod,
               grantTypes: grantTypes, responseTypes: responseTypes, origin: .dynamic, metadata: other)
    }

    /// The metadata members of a client information response (RFC 7591 §3.2.1); optional members
    /// without a value are omitted, never sent as `""`.
    public var responseMembers: [(String, JSON)] {
        var members: [(String, JSON)] = []
        if let clientName { members.append(("client_name", .string(clientName))) }
        if !redirectURIs.isEmpty { members.append(("redirect_uris", .array(redirectURIs.map { .string($0) }))) }
        members.append(("grant_types", .array(grantTypes.map { .string($0) })))
        members.append(("response_types", .array(responseTypes.map { .string($0) })))
        members.append(("token_endpoint_auth_method", .string(tokenEndpointAuthMethod)))
        if !scope.isEmpty { members.append(("scope", .string(ScopeSet.format(scope)))) }
        if let logoURI { members.append(("logo_uri", .string(logoURI))) }
        let kept = other.objectValue ?? []
        if !kept.contains(where: { $0.0 == "application_type" }) { members.append(("application_type", "web")) }
        members.append(contentsOf: kept)
        return members
    }
}
