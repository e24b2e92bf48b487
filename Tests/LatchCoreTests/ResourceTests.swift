import Testing
@testable import LatchCore

/// README "Scopes and resources": identifiers compared after RFC 3986 §6.2.2 normalisation with one
/// trailing slash ignored, byte for byte; scopes by `ScopePolicy`.
@Suite struct ResourceIdentifierTests {
    @Test(arguments: [
        ("https://API.Example.COM/files", "https://api.example.com/files"),
        ("HTTPS://api.example.com:443/files/", "https://api.example.com/files"),
        ("http://127.0.0.1:80/", "http://127.0.0.1"),
        ("http://127.0.0.1:8080/mcp", "http://127.0.0.1:8080/mcp"),
        ("https://api.example.com/a%2fb", "https://api.example.com/a%2Fb"),
        ("https://api.example.com/%7Euser", "https://api.example.com/~user"),
        ("https://api.example.com/files//", "https://api.example.com/files//"),
        ("https://api.example.com/x/?q=1", "https://api.example.com/x?q=1"),
        ("https://[::1]:443/", "https://[::1]"),
        ("urn:example:resource", "urn:example:resource"),
        ("https://user@API.example/", "https://user@api.example"),
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(ResourceIdentifier.normalized(input) == expected)
    }

    @Test(arguments: ["/relative", "api.example.com/files", "https://api.example.com/files#frag", "https://api.example.com/%zz",
                      "https://api.example.com/a b", "", "https://", "https://api.example.com:x/", "mailto:"])
    func refuses(_ input: String) {
        #expect(ResourceIdentifier.normalized(input) == nil)
    }

    @Test func comparesBytesNotCanonicalEquivalence() {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal Swift Strings, not equal URIs.
        let precomposed = "https://api.example.com/caf\u{E9}"
        let decomposed = "https://api.example.com/cafe\u{301}"
        #expect(precomposed == decomposed)
        #expect(!ResourceIdentifier.same(precomposed, decomposed))
        #expect(ResourceIdentifier.same("https://API.example.com/files/", "https://api.example.com:443/files"))
        let token = TokenInfo(id: "0123456789abcdef", kind: .access, grantID: "g", clientID: "app", userID: nil, username: nil,
                              scope: "", audience: ResourceIdentifier.normalized(precomposed), clientVerified: true,
                              issuedAt: 0, expiresAt: 1)
        #expect(!token.isFor(ResourceIdentifier.normalized(decomposed)!, own: "https://auth.example"))
        #expect(token.isFor(ResourceIdentifier.normalized(precomposed)!, own: "https://auth.example"))
    }

    /// Scalars that Swift's Character-based String operations hide behind (a combining mark after
    /// a delimiter, U+037E that equals `;`): the normal form is computed on bytes, is stable, and
    /// never merges such an identifier with the plain one.
    @Test(arguments: ["https:\u{301}//api.example/x", "https://api.example/\u{301}", "https://api.example:\u{301}443/x",
                      "https://api.example\u{37E}/x", "https://API.example/%7e\u{301}", "https://a@b@API.example:443/",
                      "https://[::1]:443/\u{301}/", "HTTPS://api.example//"])
    func theNormalFormIsStableAndByteExact(_ input: String) {
        guard let normal = ResourceIdentifier.normalized(input) else { return }
        #expect(ResourceIdentifier.normalized(normal) == normal)
        if input.unicodeScalars.contains(where: { $0.value > 0x7F }) {
            #expect(!ResourceIdentifier.same(input, "https://api.example/x"))
            #expect(!ResourceIdentifier.same(input, "https://api.example"))
        }
    }

    @Test func metadataURLFollowsRFC9728() {
        #expect(ResourceIdentifier.metadataURL(of: "https://api.example.com/files/")
                == "https://api.example.com/.well-known/oauth-protected-resource/files")
        #expect(ResourceIdentifier.metadataURL(of: "https://API.example.com")
                == "https://api.example.com/.well-known/oauth-protected-resource")
        #expect(ResourceIdentifier.metadataURL(of: "urn:example:x") == nil)
        #expect(ResourceIdentifier.origin(of: "https://Auth.example.com:443/base") == "https://auth.example.com")
    }
}

@Suite struct ScopePolicyTests {
    let defined = [ScopeStore.Scope(name: "openid", description: "", open: true),
                   ScopeStore.Scope(name: "offline_access", description: "", open: true),
                   ScopeStore.Scope(name: "mcp:tools", description: "", open: true),
                   ScopeStore.Scope(name: "admin", description: "", open: false),
                   ScopeStore.Scope(name: "files:read", description: "", open: false)]
    let everything = Resource(id: "res_latch", identifier: "https://auth.example", name: "latch", scopes: nil)
    let files = Resource(id: "res_1", identifier: "https://api.example/files", name: "Files", scopes: ["files:read", "mcp:tools"],
                         defaultScopes: ["files:read"])

    func client(verified: Bool, scope: [String] = []) -> Client {
        Client(clientID: "app", name: "App", redirectURIs: ["https://app.example/cb"], scope: scope,
               origin: verified ? .admin : .dynamic)
    }

    func names(_ requested: String?, _ client: Client, _ resource: Resource) throws -> [String] {
        try ScopePolicy.resolve(requested: requested, client: client, resource: resource, defined: defined).map(\.name)
    }

    @Test func anEmptyListNeverMeansEverythingForAnUnverifiedClient() throws {
        #expect(try names("mcp:tools openid", client(verified: false), everything) == ["mcp:tools", "openid"])
        #expect(throws: OAuthError.self) { try names("admin", client(verified: false), everything) }
        #expect(try names("admin files:read", client(verified: true), everything) == ["admin", "files:read"])
    }

    @Test func scopesMustBeAcceptedByTheResource() throws {
        #expect(throws: OAuthError.self) { try names("admin", client(verified: true), files) }
        #expect(try names("files:read openid offline_access", client(verified: true), files) == ["files:read", "openid", "offline_access"])
        #expect(throws: OAuthError.self) { try names("nope", client(verified: true), files) }
        #expect(throws: OAuthError.self) { try names("files:read", client(verified: true, scope: ["mcp:tools"]), files) }
        // offline_access only asks for a refresh token: outside the registered list too.
        #expect(try names("mcp:tools offline_access", client(verified: false, scope: ["mcp:tools"]), files) == ["mcp:tools", "offline_access"])
        #expect(throws: OAuthError.self) { try names("openid", client(verified: true, scope: ["mcp:tools"]), files) }
    }

    @Test func withoutScopeTheRegisteredListOrTheResourceDefaults() throws {
        #expect(try names(nil, client(verified: true), files) == ["files:read"])
        #expect(try names(nil, client(verified: false), files) == [])
        #expect(try names(nil, client(verified: true, scope: ["mcp:tools", "admin"]), files) == ["mcp:tools"])
    }

    @Test func registrationIsNarrowed() {
        #expect(ScopePolicy.narrowed(["admin", "mcp:tools", "openid", "undefined"], verified: false, defined: defined)
                == ["mcp:tools", "openid"])
        #expect(ScopePolicy.narrowed(["admin", "mcp:tools"], verified: true, defined: defined) == ["admin", "mcp:tools"])
    }
}
