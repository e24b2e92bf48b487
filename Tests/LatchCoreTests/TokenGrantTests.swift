import Testing
@testable import LatchCore

/// The token endpoint's grants are registered once (`TokenGrants.all`), each under its own
/// `grant_type`; the stores they act through take typed client proofs.
@Suite struct TokenGrantTests {
    @Test func everyGrantTypeIsRegisteredOnce() {
        let types = TokenGrants.all.map(\.grantType)
        #expect(types == ["authorization_code", "refresh_token", "client_credentials"])
        #expect(Set(types).count == types.count)
        #expect(TokenGrants.named("refresh_token")?.grantType == "refresh_token")
        #expect(TokenGrants.named("password") == nil)
    }

    @Test func aProofForAClientAuthenticatedBeforeOnlyReadsItsRow() {
        let sql = ClientStore.clientCTEs(.authenticated("app_1"), grantType: "refresh_token")
        #expect(sql.binds == [.text("app_1")])
        #expect(!sql.text.contains("client_secrets"))
        #expect(!sql.text.contains("rate_limits"))
    }

    @Test func clientCredentialsNeedsAVerifiedClientAndLooksAtNoWindow() throws {
        let secret = Credential.mint(.clientSecret).value
        let proof = try #require(ClientProof(clientID: "app_1", method: "client_secret_basic", secret: secret,
                                             unverifiedTokensPerMinute: 120))
        let sql = ClientStore.clientCTEs(proof, grantType: "client_credentials")
        #expect(sql.text.contains("AND c.verified"))
        #expect(!sql.text.contains("rate_limits"))
        #expect(sql.text.contains("WHERE EXISTS (SELECT 1 FROM client WHERE secret_stale)"))
    }

    @Test func aPublicProofIsNotConfidentialAndNeedsMethodNone() throws {
        #expect(ClientProof(clientID: "app_1", method: "client_secret_post", secret: nil) == nil)
        #expect(try #require(ClientProof(clientID: "app_1", method: "none", secret: nil)).isConfidential == false)
        #expect(ClientProof(clientID: String(repeating: "a", count: 201), method: "none", secret: nil) == nil)
    }

    @Test(arguments: [CodeRefusal.expired, .userDisabled, .otherClient, .verifierMissing, .verifierMismatch,
                      .redirectMismatch, .resourceMismatch, .scopeNotOpen("admin")])
    func everyRecordedCodeRefusalHasItsError(_ refusal: CodeRefusal) {
        let error = AuthorizationCodeGrant.error(for: refusal)
        #expect(error.code.rawValue == (refusal == .resourceMismatch ? "invalid_target" : "invalid_grant"))
    }
}
