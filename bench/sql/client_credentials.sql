-- pgbench: POST /oauth2/tokens, grant_type=client_credentials (client_secret_basic), as latch
-- sends it: two statements, each its own round trip, each autocommitted (no transaction
-- around them), in this order:
--   1. ClientStore.find(_:authenticatedBy:) (ClientAuthenticator.verify): the client's row
--      and its secret's stored hash (compared in Swift, constant time) in one statement, and
--      whether the secret's last_used_at is stale; only when stale (at most once a minute per
--      secret) one more round trip, an UPDATE of last_used_at that repeats the staleness
--      condition (so of several workers that saw it stale, one writes);
--   2. TokenStore.issueForClient (ClientCredentialsGrant.issue): ONE statement reads which of
--      the requested scopes the deployment defines (all must be), creates the grant (no
--      user), the audit row (token.issued) and one access token; no refresh token.
--
-- Binds as latch sends them: client_id (from Basic) and the secret's lookup id; the new grant
-- id ('g_' + 24 hex), the client, the requested scopes as a text[] and their number, the
-- resource (NULL: the request names
-- none, so a NULL literal here: pgbench cannot bind a NULL), the access token's id + hash,
-- its lifetime, the audit actor and source address. Here pgbench derives the new ids from a
-- counter :n. The audit event name, a bind in latch, is a literal here.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
-- include: client_authentication.sql
WITH resolved AS (
    SELECT coalesce(string_agg(candidate.name, ' ' ORDER BY candidate.position), '') AS scope,
           count(*) AS defined
    FROM unnest(ARRAY[:scope]::text[]) WITH ORDINALITY AS candidate(name, position)
    WHERE EXISTS (SELECT 1 FROM scopes WHERE scopes.name = candidate.name)
), new_grant AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at)
    SELECT 'g_' || substr(md5('cg' || :n::bigint), 1, 24), :client, NULL, scope, NULL, now() FROM resolved
    WHERE NOT true::boolean OR defined = 1::bigint     -- allDefined (a scope was requested), its count
    RETURNING id, client_id, scope
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'token.issued'::text, :actor::text, NULL, client_id, :address::text,
           jsonb_build_object('grant_type', 'client_credentials', 'grant_id', id, 'scope', scope)
    FROM new_grant
)
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
SELECT substr(md5('ca' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint)), new_grant.id, :client, NULL,
       new_grant.scope, NULL, now() + make_interval(secs => :access_lifetime)
FROM new_grant
RETURNING scope;
