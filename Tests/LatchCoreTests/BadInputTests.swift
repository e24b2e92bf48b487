import Testing
@testable import LatchCore

/// Findings of the bad-input tests (Tests/integration/test_bad_input.py), kept as unit tests.
@Suite struct BadInputTests {
    /// libpq ends a text bind at its first NUL, so `client_id=app_x%00junk` authenticated as
    /// `app_x`. NUL is refused where parameters are decoded (form, query, Basic credentials).
    @Test(arguments: ["client_id=app_x%00junk", "a%00=1", "a=%00", "grant_type=client_credentials%00"])
    func parametersRefuseNUL(_ body: String) {
        #expect(throws: HTTPError.self) { try Parameters(formEncoded: Array(body.utf8)) }
    }

    @Test func basicCredentialsRefuseNUL() {
        for credentials in ["app_x%00junk:secret", "app_x:se%00cret", "app_x\u{0}junk:secret"] {
            let header = "Basic " + Base64.encode(Array(credentials.utf8))
            #expect(throws: HTTPError.self) { try BasicAuthorization.parse(header) }
        }
    }

    /// Whatever reaches the database layer with a NUL is refused before anything is sent
    /// (no connection is needed: the check comes first), never silently truncated.
    @Test func textBindWithNULIsRefusedBeforeSending() {
        let database = Database(connectionString: "host=/nonexistent-latch-socket-dir port=1 connect_timeout=1")
        let value = "app_x\u{0}junk"
        do {
            try database.query("SELECT \(value)")
            Issue.record("a NUL in a text bind was sent")
        } catch {
            #expect(error.sqlState == "22021")
        }
    }
}
