/// Authorize step 2: the client and the redirect URI (README "The authorization endpoint" 2).
///
/// Matching is exact string comparison, except that the port of a loopback IP literal may
/// differ (RFC 8252 §7.3). A client with exactly one registered URI may omit `redirect_uri`.
/// Every failure here is an `UnverifiedRedirect` (for `signedIn`): an HTML page, never a redirect.
enum ClientRedirectCheck {
    static func verify(_ parameters: Parameters, signedIn: SignedIn?, database: Database) throws -> RedirectTarget {
        let clientID: String?
        let requested: String?
        do {
            clientID = try parameters.single("client_id")
            requested = try parameters.single("redirect_uri")
        } catch {
            throw UnverifiedRedirect(message: "The request repeats client_id or redirect_uri.", signedIn: signedIn)
        }
        guard let clientID else { throw UnverifiedRedirect(message: "The request names no app (client_id is missing).", signedIn: signedIn) }
        guard let client = try ClientStore(database: database).find(clientID) else {
            throw UnverifiedRedirect(message: "The app this link names (client_id) is not registered here.", signedIn: signedIn)
        }
        let redirectURI: String
        if let requested {
            guard client.redirectURIs.contains(where: { RedirectURI.matches(registered: $0, requested: requested) }) else {
                throw UnverifiedRedirect(message: "The redirect_uri is not one the app registered.", signedIn: signedIn)
            }
            redirectURI = requested
        } else {
            guard client.redirectURIs.count == 1 else {
                throw UnverifiedRedirect(message: "The request has no redirect_uri, and the app registered more than one.", signedIn: signedIn)
            }
            redirectURI = client.redirectURIs[0]
        }
        // A repeated state is not echoed: which one would be the client's?
        let state = (try? parameters.single("state")) ?? nil
        return RedirectTarget(client: client, redirectURI: redirectURI, redirectURIGiven: requested != nil, state: state)
    }
}
