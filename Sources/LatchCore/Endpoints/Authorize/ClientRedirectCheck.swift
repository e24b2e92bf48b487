/// Authorize step 2: the client and the redirect URI (README "The authorization endpoint" 2).
///
/// Matching is exact string comparison, except that the port of a loopback IP literal may
/// differ (RFC 8252 §7.3). A client with exactly one registered URI may omit `redirect_uri`.
/// A `client_id` that is a URL names a metadata client (README "Client ID Metadata Documents"):
/// its cached document, or the document fetched now (`MetadataClients`); a failed fetch or an
/// invalid document is this same page, naming the problem.
/// Every failure here is an `UnverifiedRedirect` (for `signedIn`): an HTML page, never a redirect.
enum ClientRedirectCheck {
    static func verify(_ parameters: Parameters, signedIn: SignedIn?, context: Context) throws -> RedirectTarget {
        let database = context.database
        let clientID: String?
        let requested: String?
        do {
            clientID = try parameters.single("client_id")
            requested = try parameters.single("redirect_uri")
        } catch {
            throw UnverifiedRedirect(message: "The request repeats client_id or redirect_uri.", signedIn: signedIn)
        }
        guard let clientID else { throw UnverifiedRedirect(message: "The request names no app (client_id is missing).", signedIn: signedIn) }
        if let refusal = MetadataClients.refusal(of: clientID, context.configuration) {
            throw UnverifiedRedirect(message: refusal.sentence, signedIn: signedIn)
        }
        var found = try ClientStore(database: database).find(clientID)
        if MetadataClientID.looksLikeURL(clientID), found == nil || found?.metadataIsFresh == false {
            do {
                found = try MetadataClients(database: database, configuration: context.configuration).client(clientID, cached: found)
            } catch let refusal as MetadataClientRefusal {
                throw UnverifiedRedirect(message: refusal.sentence, signedIn: signedIn, cause: refusal.cause.map { MetadataClientRefusal($0) } ?? refusal)
            }
        }
        guard let client = found else {
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
