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
}
