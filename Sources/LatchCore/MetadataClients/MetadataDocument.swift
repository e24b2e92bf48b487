/// A Client ID Metadata Document checked (draft-ietf-oauth-client-id-metadata-document §4;
/// README "Client ID Metadata Documents"): a JSON object whose `client_id` equals the URL it was
/// fetched from exactly, with `redirect_uris`, and no shared secret — a `client_secret…`
/// member or a `client_secret_*` method makes it invalid. A missing
/// `token_endpoint_auth_method` means `none`; `private_key_jwt` needs `jwks` or `jwks_uri`.
/// Everything else follows the registration rules (`ClientMetadata.parse` for an unverified
/// client: redirect URIs, client name, grant types); unknown members are ignored.
public struct MetadataDocument: Sendable, Equatable {
    public let metadata: ClientMetadata

    /// Methods a document may name: never a shared secret.
    public static let authenticationMethods = ["none", "private_key_jwt"]

    /// The document at `clientID`, or `invalid_client_metadata` saying what is wrong with it.
    public static func parse(_ body: [UInt8], clientID: String, definedScopes: [String]) throws(OAuthError) -> MetadataDocument {
        let json: JSON
        do { json = try JSON.parse(body) } catch {
            throw OAuthError(.invalidClientMetadata, "the document is not valid JSON")
        }
        guard let members = json.objectValue else { throw OAuthError(.invalidClientMetadata, "the document is not a JSON object") }
        let document = JSONMembers(members, code: .invalidClientMetadata)
        guard let stated = try document.string("client_id", maxLength: 2000) else {
            throw document.failure("the document has no client_id")
        }
        guard RedirectURI.identical(stated, clientID) else {
            throw document.failure("the document's client_id is not the URL it was fetched from")
        }
        if let secret = members.first(where: { $0.0.hasPrefix("client_secret") }) {
            throw document.failure("the document carries \(secret.0): metadata documents may not use shared secrets")
        }
        let method = try document.string("token_endpoint_auth_method", maxLength: 100) ?? "none"
        guard authenticationMethods.contains(method) else {
            throw document.failure(method.hasPrefix("client_secret")
                ? "token_endpoint_auth_method \(method) needs a shared secret, which metadata documents may not use"
                : "token_endpoint_auth_method '\(method)' is not supported; use none or private_key_jwt")
        }
        let jwks = document.value("jwks")
        if let jwks, jwks["keys"]?.arrayValue == nil { throw document.failure("jwks must be a JSON Web Key Set (an object with keys)") }
        let jwksURI = try document.webURL("jwks_uri")
        if let jwksURI, !jwksURI.hasPrefix("https://") { throw document.failure("jwks_uri must be an https URL") }
        if method == "private_key_jwt" && jwks == nil && jwksURI == nil {
            throw document.failure("token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri")
        }
        guard document.value("redirect_uris") != nil else { throw document.failure("the document has no redirect_uris") }

        // The registration rules, as for an anonymous public client.
        var rest = members.filter { $0.0 != "token_endpoint_auth_method" && $0.0 != "client_id" }
        rest.append(("token_endpoint_auth_method", "none"))
        var metadata = try ClientMetadata.parse(rest, definedScopes: definedScopes, verified: false)
        metadata.tokenEndpointAuthMethod = method
        var other = metadata.other.objectValue ?? []
        if let jwks { other.append(("jwks", jwks)) }
        if let jwksURI { other.append(("jwks_uri", .string(jwksURI))) }
        metadata.other = .object(other)
        return MetadataDocument(metadata: metadata)
    }

    /// What remembered consent hangs on (README "Client ID Metadata Documents"): the redirect
    /// URIs and the keys. When a re-fetched document changes this, consent given before ends.
    public var consentBinding: String {
        var parts = metadata.redirectURIs
        if let other = metadata.other.objectValue {
            for (name, value) in other where name == "jwks" || name == "jwks_uri" { parts.append(name + "=" + value.serialized) }
        }
        return Hex.encode(Digest.sha256(parts.joined(separator: "\n")))
    }

    /// Whether every redirect URI is on a loopback host: the client "runs on this device".
    public static func runsOnThisDevice(_ redirectURIs: [String]) -> Bool {
        !redirectURIs.isEmpty && redirectURIs.allSatisfy { uri in
            (uri.hasPrefix("http://") || uri.hasPrefix("https://")) && RedirectURI.host(of: uri).map(RedirectURI.isLoopback(host:)) == true
        }
    }
}
