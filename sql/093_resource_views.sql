-- DBA view of the resource registry (sql/004_resources.sql): what each registered resource
-- accepts and how many live access tokens are for it. No hashes, no credentials. latch's own
-- API (LATCH_RESOURCE) appears here only once an admin narrowed it with a row; its tokens are
-- counted under their audience in dba.tokens_by_state.

CREATE VIEW dba.resources AS
SELECT r.id                AS resource_id,
       r.identifier        AS resource,
       r.name,
       array_to_string(r.scopes, ' ')         AS scopes,
       array_to_string(r.default_scopes, ' ') AS default_scopes,
       r.token_format,
       r.dpop_required,
       r.created_at        AS registered_at,
       (SELECT count(*) FROM tokens t JOIN grants g ON g.id = t.grant_id
        WHERE t.audience = r.identifier AND t.kind = 'access' AND t.revoked_at IS NULL
          AND t.expires_at > now() AND g.revoked_at IS NULL) AS live_access_tokens
FROM resources r;
COMMENT ON VIEW dba.resources IS 'Registered protected resources (latchctl resource list) with the number of live access tokens for each.';
COMMENT ON COLUMN dba.resources.resource_id IS 'Resource id (res_…), as latchctl and the management API show it.';
COMMENT ON COLUMN dba.resources.resource IS 'The resource identifier URI in normal form: the audience of its tokens.';
COMMENT ON COLUMN dba.resources.name IS 'Its name (RFC 9728 resource_name).';
COMMENT ON COLUMN dba.resources.scopes IS 'Space-separated scopes it accepts.';
COMMENT ON COLUMN dba.resources.default_scopes IS 'Space-separated scopes a request naming none gets (client without a scope list).';
COMMENT ON COLUMN dba.resources.token_format IS 'opaque or jwt.';
COMMENT ON COLUMN dba.resources.dpop_required IS 'Whether its tokens must be DPoP-bound.';
COMMENT ON COLUMN dba.resources.registered_at IS 'When it was registered.';
COMMENT ON COLUMN dba.resources.live_access_tokens IS 'Access tokens for it that still work (not expired, not revoked, grant not revoked).';
