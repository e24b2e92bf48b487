-- pgbench: POST /oauth2/tokens, grant_type=authorization_code (PKCE S256, client_secret_basic),
-- as latch sends it: three statements, each its own round trip, each autocommitted (no
-- transaction around them), in this order:
--   1. ClientStore.find(_:authenticatedBy:) (ClientAuthenticator.verify): the client's row
--      and its secret's stored hash (compared in Swift, constant time) in one statement, and
--      whether the secret's last_used_at is stale; only when stale (at most once a minute per
--      secret) one more round trip, an UPDATE of last_used_at that repeats the staleness
--      condition (so of several workers that saw it stale, one writes);
--   2. AuthorizationCodeStore.find: the code's row by lookup id, with its user's state (the
--      code's secret hash, client, PKCE challenge and redirect_uri are checked in Swift);
--   3. AuthorizationCodeStore.redeem: ONE statement takes the code (only while unredeemed and
--      unexpired), creates the grant, the refresh token, the audit row (code.redeemed) and
--      the access token.
--
-- Binds as latch sends them: client_id (from Basic) and the secret's lookup id; the code's
-- lookup id; the new grant id ('g_' + 24 hex), token ids (16 hex) + SHA-256 of their secrets,
-- whether a refresh token is issued, lifetimes, the audit actor (client:ID) and source address.
-- Here pgbench derives the per-request values from a counter :n over the pool that
-- exchange.data.sql created (ids lpad(to_hex(n)) / md5, hashes sha256(int8send(n))); those
-- few expressions cost microseconds. The audit event name, a bind in latch, is a literal here.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
-- include: client_authentication.sql
SELECT c.id, c.secret_hash, c.client_id, c.user_id, c.redirect_uri, c.redirect_uri_given, c.code_challenge,
       c.scope, c.resource, c.redeemed_at IS NOT NULL AS redeemed, c.expires_at <= now() AS expired,
       u.disabled_at IS NOT NULL AS user_disabled
  FROM authorization_codes c JOIN users u ON u.id = c.user_id
 WHERE c.id = lpad(to_hex(:n::bigint), 16, '0');
WITH taken AS (
    UPDATE authorization_codes SET redeemed_at = now(), grant_id = 'g_' || substr(md5('xg' || :n::bigint), 1, 24)
    WHERE id = lpad(to_hex(:n::bigint), 16, '0') AND redeemed_at IS NULL AND expires_at > now()
    RETURNING id AS code_id, client_id, user_id, scope, resource
), made AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at)
    SELECT 'g_' || substr(md5('xg' || :n::bigint), 1, 24), client_id, user_id, scope, resource, now() FROM taken
    RETURNING id, client_id, user_id, scope, resource
), refresh AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('xr' || :n::bigint), 1, 16), 'refresh', sha256(int8send(-:n::bigint)), id, client_id, user_id,
           scope, resource, now() + make_interval(secs => :refresh_lifetime)
    FROM made WHERE :with_refresh
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'code.redeemed'::text, :actor::text, m.user_id, m.client_id,
           :address::text, jsonb_build_object('code_id', t.code_id, 'grant_id', m.id, 'scope', m.scope)
    FROM made m, taken t
)
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
SELECT substr(md5('xa' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint + 1)), id, client_id, user_id,
       scope, resource, substr(md5('xr' || :n::bigint), 1, 16), now() + make_interval(secs => :access_lifetime)
FROM made
RETURNING scope;
