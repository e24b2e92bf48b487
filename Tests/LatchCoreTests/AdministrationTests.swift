import Testing
@testable import LatchCore

/// The rules every door to administration shares (`AppInput.checked`, the operations' own
/// checks) and who the audit rows name, without a database.
@Suite struct AdministrationTests {
    static let callback = "https://caps.example/cb"

    /// What `latchctl app create` hands to the rules is refused exactly as the API's body.
    @Test(arguments: [
        (String(repeating: "n", count: 101), [callback], nil as String?, "name"),
        ("x", (0..<22).map { "https://many.example/cb\($0)" }, nil, "more than 20"),
        ("x", ["https://caps.example/" + String(repeating: "p", count: 1980)], nil, "longer than 2000"),
        ("x", [callback], "javascript:x", "icon"),
    ])
    func theCommandLineMeetsTheAPIsCaps(name: String, uris: [String], icon: String?, words: String) {
        do {
            _ = try AppInput.checked(name: name, callbackURL: uris.first, moreRedirectURIs: Array(uris.dropFirst()),
                                     icon: icon, scope: nil, definedScopes: [])
            Issue.record("accepted \(name.prefix(10)) \(uris.count) URIs")
        } catch {
            #expect(error.status == 400)
            #expect(error.description.contains(words), "\(error.description)")
        }
    }

    @Test func theActorNamesWhoActedAndThroughWhichDoor() {
        #expect(AdminActor.latchctl.source == AuditSource(actor: "latchctl", address: nil))
        #expect(AdminActor.latchctl.viaUnlessCommandLine.isEmpty)
        let token = AdminActor(source: AuditSource(actor: Administrator(proof: .adminToken(id: "x", name: "bot")).actor,
                                                   address: "192.0.2.1"),
                               via: "management_api")
        #expect(token.source.actor == "admin-token:bot" && token.source.address == "192.0.2.1")
        #expect(token.viaUnlessCommandLine.map(\.0) == ["via"])
    }
}
