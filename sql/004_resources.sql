-- Revision 2: the resource registry (CONTRACT "Clients, scopes and resources", "Resources";
-- RFC 8707, RFC 9728). A token's audience is exactly one registered resource.
--
-- latch's own API (LATCH_RESOURCE, default the issuer) is always registered: the server
-- treats it as registered, accepting every defined scope, while no row names it; an admin
-- narrows it by registering a row with that identifier (latchctl resource add, PUT …/resources/{id}).
--
-- Identifiers are stored normalised (RFC 3986 §6.2.2: lower-case scheme and host, no default
-- port, upper-case percent-encoding hex digits, one trailing slash dropped; ResourceIdentifier in
-- Swift is the one function that does it), so equal identifiers are equal bytes.
CREATE TABLE resources (
    id              text PRIMARY KEY,
    identifier      text NOT NULL UNIQUE CHECK (length(identifier) BETWEEN 1 AND 2000),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    scopes          text[] NOT NULL DEFAULT '{}',
    default_scopes  text[] NOT NULL DEFAULT '{}',
    token_format    text NOT NULL DEFAULT 'opaque' CHECK (token_format IN ('opaque', 'jwt')),
    dpop_required   boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE resources IS 'Protected resources (RFC 8707 / RFC 9728) tokens may be issued for: latchctl resource add, the management API /resources.';
COMMENT ON COLUMN resources.id IS 'Resource id in the management API and latchctl (res_ + 16 hex characters; not a secret).';
COMMENT ON COLUMN resources.identifier IS 'The resource identifier URI, normalised (RFC 3986 section 6.2.2, one trailing slash dropped); a token''s audience.';
COMMENT ON COLUMN resources.name IS 'Human-readable name (RFC 9728 resource_name), shown on the consent page.';
COMMENT ON COLUMN resources.scopes IS 'Scopes the resource accepts; a request for this resource may ask only these (openid and offline_access aside).';
COMMENT ON COLUMN resources.default_scopes IS 'Scopes a request for this resource gets when it names none and its client registered no scope list.';
COMMENT ON COLUMN resources.token_format IS 'opaque (default) or jwt (RFC 9068), for the JWT access token issue.';
COMMENT ON COLUMN resources.dpop_required IS 'Whether tokens for this resource must be DPoP-bound (RFC 9449), for the DPoP issue; advertised in its metadata.';
COMMENT ON COLUMN resources.created_at IS 'When the resource was registered.';

-- Tokens, grants and codes issued from now on always carry their audience. A NULL left by
-- revision 1 (a request that named no resource) means latch's own API, as it did then.
COMMENT ON COLUMN tokens.audience IS 'The resource identifier (normalised) the token is for (aud); NULL only on tokens issued before revision 2, meaning latch''s own API (LATCH_RESOURCE).';
COMMENT ON COLUMN grants.resource IS 'The resource identifier (normalised) every token of the grant is for; NULL only on grants made before revision 2, meaning latch''s own API.';
COMMENT ON COLUMN authorization_codes.resource IS 'The resource identifier (normalised) resolved at authorize (the request''s resource, else LATCH_DEFAULT_RESOURCE); a token request naming a resource must name this one.';
