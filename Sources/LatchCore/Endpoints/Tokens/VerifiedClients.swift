/// This worker's memory of which clients it saw verified, so that their token requests (and
/// their introspection requests, `IntrospectionEndpoint`) take the leaner one-trip statement
/// (`ClientProof.onlyIfVerified`): no rate-limit count and no last-use marks in the plan — the
/// CTEs that made a verified client's requests slower once unverified clients had limits
/// (README "Benchmarks"). A verified client's first
/// request in a worker takes the statement that serves every client and teaches this cache;
/// a client that stops being verified gets nothing from the lean statement (it requires
/// `c.verified`), so the full path serves it and the cache forgets it — a stale entry costs one
/// wasted statement, never a skipped limit. A request in order stays one statement: the first
/// one of a client in a worker writes its marks itself, and a lean one adds a second statement
/// only when a mark is due (a secret's once a minute, a client's once a day). Workers are
/// single-threaded processes: the state is per process, at most `maximumEntries` ids.
enum VerifiedClients {
    static let maximumEntries = 10_000
    nonisolated(unsafe) private static var known: Set<String> = []

    /// The proof a one-trip attempt sends.
    static func proof(_ proof: ClientProof) -> ClientProof {
        known.contains(proof.clientID) ? proof.onlyIfVerified() : proof
    }

    /// After a statement issued to the client `proof` proves: remembers whether it is verified,
    /// and writes the last-use marks a lean statement left due. A failure to write a mark is
    /// logged, not answered: the tokens are issued, and the next request writes it.
    static func issued(_ issued: IssuedTokens, by proof: ClientProof, _ context: Context) {
        guard let use = issued.clientUse else { return }
        used(use, by: proof, context)
    }

    /// After a one-trip statement answered for the client `proof` proves (an issuing statement,
    /// or introspection's lookup): remembers whether it is verified, and writes the marks a
    /// lean statement left due.
    static func used(_ use: ClientUse, by proof: ClientProof, _ context: Context) {
        remember(proof.clientID, verified: use.verified)
        guard proof.verifiedOnly, use.seenStale || use.secretStale else { return }
        do {
            try ClientStore(database: context.database).recordUse(use, of: proof.clientID, secret: proof.secret)
        } catch {
            Log.message(.warning, context.executable, "last-use marks of client \(proof.clientID) not written: \(error)")
        }
    }

    static func remember(_ clientID: String, verified: Bool) {
        if verified {
            if known.count >= maximumEntries { known = [] }
            known.insert(clientID)
        } else {
            known.remove(clientID)
        }
    }
}
