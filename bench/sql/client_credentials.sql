-- pgbench: POST /oauth2/tokens, grant_type=client_credentials (client_secret_basic), as latch
-- sends it: ONE statement (TokenStore.issueForClient, from ClientCredentialsGrant.issueAtOnce),
-- autocommitted: it authenticates the client (client_authentication.sql), reads which of the
-- requested scopes the deployment defines (all must be, and be in the client's list), creates
-- the grant (no user), the audit row (token.issued) and one access token; no refresh token.
--
-- Binds as latch sends them: client_id (from Basic), the secret's lookup id and the SHA-256
-- of the secret; the requested scopes as a text[]; the new grant id ('g_' + 24 hex); the
-- resource (NULL: the request names none, so a NULL literal here: pgbench cannot bind a
-- NULL); the access token's id + hash, its lifetime, the audit actor and source address.
-- Here pgbench derives the new ids from a counter :n. The audit event name, a bind in latch,
-- is a literal here.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH
-- include: client_authentication.sql
, resolved AS (
    SELECT c.client_id, c.scope AS allowed, d.scope, d.defined
    FROM client c CROSS JOIN LATERAL (
        SELECT coalesce(string_agg(candidate.name, ' ' ORDER BY candidate.position), '') AS scope,
               count(*) AS defined
        FROM unnest(coalesce(ARRAY[:scope]::text[], c.scope)) WITH ORDINALITY AS candidate(name, position)
        WHERE EXISTS (SELECT 1 FROM scopes WHERE scopes.name = candidate.name)
    ) AS d
), new_grant AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at, expires_at)
    SELECT 'g_' || substr(md5('cg' || :n::bigint), 1, 24), client_id, NULL, scope, NULL, now(),
           now() + make_interval(secs => least(:access_lifetime, 7776000))
    FROM resolved
    WHERE ARRAY[:scope]::text[] IS NULL
       OR (defined = cardinality(ARRAY[:scope]::text[])
           AND (cardinality(allowed) = 0 OR ARRAY[:scope]::text[] <@ allowed))
    RETURNING id, client_id, scope, expires_at
), client_seen AS (
    UPDATE clients SET last_token_at = now()
    WHERE client_id IN (SELECT client_id FROM client)
      AND (last_token_at IS NULL OR last_token_at < now() - interval '1 day')
      AND EXISTS (SELECT 1 FROM new_grant)
), token_counted AS (
    INSERT INTO rate_limits AS r (bucket, window_start, hits)
    SELECT 'token:'::text || c.client_id, date_trunc('minute', now()), 1
    FROM client c WHERE NOT c.verified AND EXISTS (SELECT 1 FROM new_grant)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'token.issued'::text, :actor::text, NULL, client_id, :address::text,
           jsonb_build_object('grant_type', 'client_credentials', 'grant_id', id, 'scope', scope)
    FROM new_grant
)
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
SELECT substr(md5('ca' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint)), new_grant.id, new_grant.client_id,
       NULL, new_grant.scope, NULL, new_grant.expires_at
FROM new_grant
RETURNING scope, ceil(extract(epoch FROM expires_at - now()))::int AS expires_in;
