import Testing
@testable import LatchCore

@Suite struct ClientMetadataTests {
    let defined = ["profile", "files:read"]

    func parse(_ text: String, verified: Bool = false) throws(OAuthError) -> ClientMetadata {
        guard let members = (try? JSON.parse(Array(text.utf8)))?.objectValue else { fatalError("bad test JSON") }
        return try ClientMetadata.parse(members, definedScopes: defined, verified: verified)
    }

    @Test func defaults() throws {
        let m = try parse(#"{"redirect_uris":["https://app.example.com/cb"]}"#)
        #expect(m.tokenEndpointAuthMethod == "client_secret_basic")
        #expect(m.grantTypes == ["authorization_code", "refresh_token"])
        #expect(m.responseTypes == ["code"])
        #expect(m.clientName == nil && m.logoURI == nil && m.scope.isEmpty)
        #expect(m.client(id: "app_x").name == "app_x")
        #expect(m.client(id: "app_x").origin == .dynamic)
    }

    /// Revision 2: client_credentials is for verified clients (registration with an admin token).
    @Test func clientCredentialsOnlyNeedsNoRedirectURIs() throws {
        let m = try parse(#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}"#,
                          verified: true)
        #expect(m.redirectURIs.isEmpty && m.responseTypes.isEmpty)
        #expect(!m.responseMembers.contains { $0.0 == "redirect_uris" })
    }

    @Test func anonymousClientCredentialsIsInvalidClientMetadata() {
        #expect(throws: OAuthError.self) {
            _ = try parse(#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}"#)
        }
    }

    @Test func emptyOptionalURLsAreAbsentAndNeverEchoed() throws {
        let m = try parse(#"{"redirect_uris":["myapp://cb"],"logo_uri":"","client_uri":"","tos_uri":null,"scope":"profile"}"#)
        #expect(m.logoURI == nil)
        #expect(m.other == ["application_type": "web"])
        #expect(!m.responseMembers.contains { $0.1 == .string("") })
        #expect(m.responseMembers.contains { $0.0 == "scope" && $0.1 == "profile" })
    }

    @Test(arguments: [
        (#"{"redirect_uris":["javascript:alert(1)"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["http://example.com/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://a.example.com/cb#x"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":"https://a.example.com/cb"}"#, "invalid_client_metadata"),
        (#"{"client_name":"no uris"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"grant_types":["implicit"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"grant_types":["refresh_token"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"response_types":["token"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
        (#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}"#, "invalid_client_metadata"),
        (#"{"grant_types":["client_credentials"],"response_types":["code"]}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"scope":"admin"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"logo_uri":"data:image/png;base64,AAAA"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"client_name":7}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"application_type":"desktop"}"#, "invalid_client_metadata"),
        (#"{"redirect_uris":["myapp://cb"],"application_type":5}"#, "invalid_client_metadata"),
    ])
    func refusals(body: String, expected: String) {
        do {
            _ = try parse(body)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.code == OAuthError.Code(rawValue: expected), "\(body)")
        }
    }

    @Test func unknownMembersAreIgnoredAndInformationalOnesKept() throws {
        let m = try parse(#"{"redirect_uris":["myapp://cb"],"application_type":"native","contacts":["a@example.com"],"software_id":"x","frobnicate":1}"#)
        #expect(m.other == ["application_type": "native", "contacts": ["a@example.com"], "software_id": "x"])
    }

    @Test func roundTripThroughAStoredClient() throws {
        let m = try parse(#"{"redirect_uris":["https://a.example.com/cb"],"client_name":"A","logo_uri":"https://a.example.com/l.png","scope":"files:read","client_uri":"https://a.example.com"}"#)
        #expect(ClientMetadata(client: m.client(id: "app_1")) == m)
    }
}
