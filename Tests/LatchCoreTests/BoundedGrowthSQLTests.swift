import Testing
@testable import LatchCore

/// The pieces of the token statements that keep growth bounded (`ClientStore.clientCTEs`
/// with a token rate limit, `IssuingStatement`): what they bind and where they act. The
/// statements themselves run against PostgreSQL in the integration tests (test_growth_*.py).
@Suite struct BoundedGrowthSQLTests {
    let publicClient = PresentedClient(clientID: "app_0123456789abcdef0123", secret: nil, method: "none")

    func cte(_ presented: PresentedClient, limit: Int? = nil) throws -> SQL {
        ClientStore.clientCTEs(try #require(presented.proof(unverifiedTokensPerMinute: limit)), grantType: "refresh_token")
    }

    @Test func withoutALimitTheClientIsNotCounted() throws {
        let sql = try cte(publicClient)
        #expect(sql.text.hasPrefix("client AS ("))
        #expect(!sql.text.contains("rate_limits"))
        #expect(sql.text.contains("c.verified"))
    }

    /// A lean statement (`onlyIfVerified`) acts only for a verified client, by every method, so
    /// it may leave out the open-scopes condition an unverified client needs; the full
    /// statement keeps it.
    @Test func aLeanStatementRequiresAVerifiedClientAndOnlyThenDropsTheOpenScopesCondition() throws {
        let proofs = [try #require(publicClient.proof()), ClientProof.authenticated(publicClient.clientID)]
        for proof in proofs {
            let lean = proof.onlyIfVerified()
            #expect(ClientStore.clientCTEs(lean, grantType: "refresh_token").text.contains("AND c.verified"))
            #expect(TokenStore.openScopesUnlessVerified(lean, "t.scope").text.isEmpty)
            #expect(TokenStore.openScopesUnlessVerified(proof, "t.scope").text.contains("NOT EXISTS"))
        }
        #expect(!ClientStore.clientCTEs(.authenticated("x"), grantType: nil).text.contains("c.verified"))
    }

    @Test func withALimitOnlyAnUnverifiedClientsWindowIsReadAndTheLimitIsABind() throws {
        let sql = try cte(publicClient, limit: 7)
        #expect(sql.text.hasPrefix("client AS ("))
        #expect(sql.text.contains("AND (c.verified OR NOT EXISTS (SELECT 1 FROM rate_limits r"))
        #expect(!sql.text.contains("INSERT"))
        #expect(sql.binds.contains(.text("7")))
        #expect(sql.binds.contains(.text(RateLimiter.unverifiedTokensPrefix)))
        #expect(sql.binds.contains(.text(publicClient.clientID)))
    }

    @Test func aSecretThatCannotProveAnythingBuildsNothing() {
        let shapeless = PresentedClient(clientID: "app_x", secret: "not-a-secret", method: "client_secret_basic")
        #expect(shapeless.proof(unverifiedTokensPerMinute: 7) == nil)
    }

    @Test func anIssuedTokenMarksItsClientAtMostOnceADayAndCountsOnlyForUnverifiedClients() {
        let sql = IssuingStatement.recorded(after: "made")
        #expect(sql.binds == [.text(RateLimiter.unverifiedTokensPrefix)])
        #expect(sql.text.contains("last_token_at < now() - interval '1 day'"))
        #expect(sql.text.ranges(of: "EXISTS (SELECT 1 FROM made)").count == 2)
        #expect(sql.text.contains("WHERE EXISTS (SELECT 1 FROM client WHERE seen_stale)"))
        #expect(sql.text.contains("FROM client c WHERE NOT c.verified"))
        #expect(IssuingStatement.secondsLeft("expires_at").text == "ceil(extract(epoch FROM expires_at - now()))::int AS expires_in")
    }
}
