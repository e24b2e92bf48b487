/// The JSON shape of a resource in the management API and `latchctl resource … --json`
/// (README "Clients and admins"): `{id, resource, name, scopes, default_scopes, token_format,
/// dpop_required, created_at}`, scope lists as arrays. latch's own API without a row lists every
/// defined scope and `created_at` the time latch was installed.
public enum ResourceJSON {
    public static func make(_ resource: Resource, defined: [String]) -> JSON {
        .object([
            ("id", .string(resource.id)),
            ("resource", .string(resource.identifier)),
            ("name", .string(resource.name)),
            ("scopes", .array((resource.scopes ?? defined).map { .string($0) })),
            ("default_scopes", .array(resource.defaultScopes.map { .string($0) })),
            ("token_format", .string(resource.tokenFormat.rawValue)),
            ("dpop_required", .bool(resource.dpopRequired)),
            ("created_at", resource.createdAt.map { .string(EpochTime.iso8601($0)) } ?? .null),
        ])
    }
}
