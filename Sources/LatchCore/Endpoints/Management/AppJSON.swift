/// The JSON shape of an app in the management API and in `latchctl … --json` (README
/// "Clients and admins"): `{id, name, callback_url, redirect_uris, icon, scope, grant_types,
/// token_endpoint_auth_method, origin, verified, created_at}`; its `id` is its `client_id`;
/// `origin` is `admin`, `dynamic` or `metadata` and `verified` whether an admin vouches for it
/// (README "The client trust model": shown in every listing). A value the app does not have
/// (`icon`, or `callback_url` of a client_credentials-only client) is `null`.
public enum AppJSON {
    public static func make(_ client: Client) -> JSON {
        .object([
            ("id", .string(client.clientID)),
            ("name", .string(client.name)),
            ("callback_url", (client.callbackURL ?? client.redirectURIs.first).map { .string($0) } ?? .null),
            ("redirect_uris", .array(client.redirectURIs.map { .string($0) })),
            ("icon", client.icon.map { .string($0) } ?? .null),
            ("scope", .string(ScopeSet.format(client.scope))),
            ("grant_types", .array(client.grantTypes.map { .string($0) })),
            ("token_endpoint_auth_method", .string(client.tokenEndpointAuthMethod)),
            ("origin", .string(client.origin.rawValue)),
            ("verified", .bool(client.verified)),
            ("created_at", .string(EpochTime.iso8601(client.createdAt))),
        ])
    }

    /// A secret as listings show it: `{id, client_secret_truncated, created_at, last_used_at}`.
    public static func secret(_ info: ClientSecretInfo) -> JSON {
        .object([
            ("id", .string(info.id)),
            ("client_secret_truncated", .string(info.truncated)),
            ("created_at", .string(EpochTime.iso8601(info.createdAt))),
            ("last_used_at", info.lastUsedAt.map { .string(EpochTime.iso8601($0)) } ?? .null),
        ])
    }
}
