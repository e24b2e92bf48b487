import Testing
@testable import LatchCore

/// `prompt` (README "The authorization endpoint" step 3): known values none, consent, login;
/// anything else, or none with another value, is invalid_request.
@Suite struct PromptTests {
    static func parameters(_ query: String) throws -> Parameters { try Parameters(formEncoded: Array(query.utf8)) }

    @Test(arguments: ["", "prompt=none", "prompt=consent", "prompt=login", "prompt=login+consent", "prompt=consent%20login"])
    func known(_ query: String) throws {
        _ = try Prompt(try PromptTests.parameters(query))
    }

    @Test(arguments: ["prompt=select_account", "prompt=none+consent", "prompt=none%20login", "prompt=+", "prompt=bogus",
                      "prompt=NONE"])
    func refused(_ query: String) throws {
        #expect(throws: OAuthError.self) { _ = try Prompt(try PromptTests.parameters(query)) }
    }

    /// `max_age` (OpenID Connect Core §3.1.2.1): a sign-in older than it needs a fresh one.
    @Test func maxAgeAsksForAFreshSignInOnlyWhenTheSignInIsOlder() throws {
        let prompt = try Prompt(try PromptTests.parameters("max_age=300"))
        #expect(prompt.maxAge == 300)
        #expect(!prompt.needsFreshSignIn(signedInAt: 1000, now: 1300))
        #expect(prompt.needsFreshSignIn(signedInAt: 1000, now: 1301))
        #expect(try Prompt(try PromptTests.parameters("max_age=0")).needsFreshSignIn(signedInAt: 1000, now: 1001))
        #expect(!(try Prompt(try PromptTests.parameters("prompt=consent")).needsFreshSignIn(signedInAt: 0, now: 1_000_000)))
        #expect(try Prompt(try PromptTests.parameters("prompt=login")).needsFreshSignIn(signedInAt: 1000, now: 1000))
    }

    @Test(arguments: ["max_age=-1", "max_age=abc", "max_age=1.5", "max_age=99999999999", "max_age=+5"])
    func badMaxAgeIsRefused(_ query: String) throws {
        #expect(throws: OAuthError.self) { _ = try Prompt(try PromptTests.parameters(query)) }
    }
}
