-- The client trust model in the DBA views (CONTRACT "Clients and trust": the origin and the
-- verified flag are shown in every listing, the DBA views included). No hash, no
-- credential: registration_token_hash and every secret stay out; secrets are only counted.

CREATE VIEW dba.clients AS
SELECT c.client_id,
       c.name,
       c.origin,
       c.verified,
       c.token_endpoint_auth_method,
       c.grant_types,
       c.scope,
       c.redirect_uris,
       c.created_at,
       c.updated_at,
       (SELECT count(*) FROM client_secrets s WHERE s.client_id = c.client_id) AS credentials,
       (SELECT count(*) FROM grants g WHERE g.client_id = c.client_id AND g.revoked_at IS NULL) AS unrevoked_grants
FROM clients c;
COMMENT ON VIEW dba.clients IS 'Every client (app) with its origin and verified flag: who made it and whether an admin vouches for it. Unverified clients get only open scopes, no client_credentials, introspect only their own tokens, and their authorization errors go through a latch page.';
COMMENT ON COLUMN dba.clients.client_id IS 'Public client identifier (the app id of the management API).';
COMMENT ON COLUMN dba.clients.name IS 'Display name (free text).';
COMMENT ON COLUMN dba.clients.origin IS 'admin (management API, console, latchctl, registration with an admin token), dynamic (anonymous registration) or metadata (Client ID Metadata Document).';
COMMENT ON COLUMN dba.clients.verified IS 'Whether an admin vouches for the client (latchctl app verify|unverify).';
COMMENT ON COLUMN dba.clients.token_endpoint_auth_method IS 'How it authenticates at the token endpoint; none = public client.';
COMMENT ON COLUMN dba.clients.grant_types IS 'Grant types it may use.';
COMMENT ON COLUMN dba.clients.scope IS 'Scopes it may request; empty = every scope it may get.';
COMMENT ON COLUMN dba.clients.redirect_uris IS 'Registered redirect URIs.';
COMMENT ON COLUMN dba.clients.created_at IS 'When it was created.';
COMMENT ON COLUMN dba.clients.updated_at IS 'When it was last changed (verification included).';
COMMENT ON COLUMN dba.clients.credentials IS 'How many client secrets it has (never the secrets themselves).';
COMMENT ON COLUMN dba.clients.unrevoked_grants IS 'Grants of the client not revoked (expired ones included until purged).';

COMMENT ON COLUMN clients.redirect_uris IS 'Registered redirect URIs; authorize requests must match one byte for byte (for loopback hosts 127.x.y.z, [::1] and localhost the port may vary, RFC 8252 section 7.3).';

CALL latch_apply_grants();
