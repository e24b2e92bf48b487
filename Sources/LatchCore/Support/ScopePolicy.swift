/// Which scopes a client may get for a resource (README "Scopes and resources"):
/// - a scope must be defined by the deployment (`openid` and `offline_access` always are);
/// - a client may get a scope only when it is *open* or the client is verified — an empty
///   registered scope list never means "everything" for an unverified client;
/// - a client that registered a scope list may get only those (and `offline_access`, which only
///   asks for a refresh token);
/// - the resource must accept it (`openid` and `offline_access` aside).
/// A request without `scope` gets the client's registered scopes, or, with no list, the
/// resource's default scopes — each kept only when the rules above allow it. An asked scope
/// that breaks a rule is `invalid_scope`.
///
/// The token endpoint's one-statement paths apply the same rules in SQL
/// (`TokenStore.issueForClient`); this is the Swift form for authorize and for naming the error.
public enum ScopePolicy {
    /// Whether `client` may ever be granted `scope` (any resource).
    public static func clientMayGet(_ scope: ScopeStore.Scope, client: Client) -> Bool {
        (client.verified || scope.open) && (client.scope.isEmpty || client.scope.contains(scope.name))
    }

    /// The scopes a request gets, in the order asked (or registered), each with its description.
    public static func resolve(requested: String?, client: Client, resource: Resource,
                               defined: [ScopeStore.Scope]) throws(OAuthError) -> [ScopeStore.Scope] {
        guard let requested else {
            let candidates = client.scope.isEmpty ? resource.defaultScopes : client.scope
            return candidates.compactMap { name in
                defined.first { $0.name == name }.flatMap { clientMayGet($0, client: client) && resource.accepts(name) ? $0 : nil }
            }
        }
        var granted: [ScopeStore.Scope] = []
        for name in try ScopeSet.parseRequested(requested) {
            guard let scope = defined.first(where: { $0.name == name }) else {
                throw OAuthError.invalidScope("unknown scope '\(name)'")
            }
            // offline_access only asks for a refresh token (README "Scopes and resources"): never refused for
            // not being in the app's registered list.
            guard client.scope.isEmpty || client.scope.contains(name) || name == "offline_access" else {
                throw OAuthError.invalidScope("this client may not request scope '\(name)'")
            }
            guard client.verified || scope.open else {
                throw OAuthError.invalidScope("scope '\(name)' is granted only to apps an admin verified")
            }
            guard resource.accepts(name) else {
                throw OAuthError.invalidScope("the resource \(resource.identifier) does not accept scope '\(name)'")
            }
            granted.append(scope)
        }
        return granted
    }

    /// What a client registering (or updating its registration) anonymously may keep of the
    /// scope list it asked for: the defined scopes it may get, in its order (README "Scopes and resources":
    /// "A dynamic registration's scope is narrowed to what that client may get").
    public static func narrowed(_ asked: [String], verified: Bool, defined: [ScopeStore.Scope]) -> [String] {
        asked.filter { name in defined.contains { $0.name == name && (verified || $0.open) } }
    }

    /// The resource a request names (any form; `invalid_target` unless it is an absolute URI
    /// without a fragment that is registered), or, when it names none, the default resource
    /// (`LATCH_DEFAULT_RESOURCE`; `invalid_target` when that is not registered).
    public static func resource(named requested: String?, store: ResourceStore,
                                configuration: Configuration) throws -> Resource {
        guard let requested else {
            guard let resource = try store.find(identifier: configuration.defaultResourceIdentifier) else {
                throw OAuthError(.invalidTarget, "this server's default resource (LATCH_DEFAULT_RESOURCE) is not registered; name a resource")
            }
            return resource
        }
        guard ResourceIdentifier.normalized(requested) != nil else {
            throw OAuthError(.invalidTarget, "resource must be an absolute URI without a fragment")
        }
        guard let resource = try store.find(identifier: requested) else {
            throw OAuthError(.invalidTarget, "resource is not a resource registered with this server")
        }
        return resource
    }
}
