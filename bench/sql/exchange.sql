-- pgbench: POST /oauth2/tokens, grant_type=authorization_code (PKCE S256, client_secret_basic),
-- as latch sends it when the code is good: ONE statement (AuthorizationCodeStore.redeem, from
-- AuthorizationCodeGrant.exchangeAtOnce), autocommitted: it authenticates the client
-- (client_authentication.sql) and takes the code — only while unredeemed and unexpired, of an
-- enabled user, when the presented secret's SHA-256, the client, the PKCE challenge of the
-- verifier, redirect_uri and resource all match — then creates the grant, the refresh token
-- (the client may use refresh_token), the audit row (code.redeemed) and the access token.
--
-- Binds as latch sends them: client_id (from Basic), the secret's lookup id and SHA-256; the
-- code's lookup id and SHA-256 of its secret; BASE64URL(SHA-256(code_verifier)); the request's
-- redirect_uri, its resource (NULL: the request names none, a NULL literal here: pgbench
-- cannot bind a NULL); the new grant id ('g_' + 24 hex), token ids (16 hex) + SHA-256 of
-- their secrets, lifetimes, the audit actor (client:ID) and source address. Here pgbench
-- derives the per-request values from a counter :n over the pool that exchange.data.sql
-- created (ids lpad(to_hex(n)) / md5, hashes sha256(int8send(n))); those few expressions cost
-- microseconds. The audit event name, a bind in latch, is a literal here.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH
-- include: client_authentication.sql
, taken AS (
    UPDATE authorization_codes code SET redeemed_at = now(), grant_id = 'g_' || substr(md5('xg' || :n::bigint), 1, 24)
    FROM client c, users u
    WHERE code.id = lpad(to_hex(:n::bigint), 16, '0') AND code.secret_hash = sha256(int8send(:n::bigint))
      AND code.client_id = c.client_id AND code.redeemed_at IS NULL AND code.expires_at > now()
      AND u.id = code.user_id AND u.disabled_at IS NULL
      AND code.code_challenge = :challenge
      AND CASE WHEN code.redirect_uri_given OR :redirect_uri::text IS NOT NULL
               THEN code.redirect_uri = :redirect_uri::text ELSE true END
      AND (NULL::text IS NULL OR coalesce(code.resource, 'own') = NULL::text)
    RETURNING code.id AS code_id, code.client_id, code.user_id, code.scope, coalesce(code.resource, 'own') AS resource,
              'refresh_token' = ANY (c.grant_types) AS with_refresh
), made AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at, expires_at)
    SELECT 'g_' || substr(md5('xg' || :n::bigint), 1, 24), client_id, user_id, scope, resource, now(),
           now() + make_interval(secs => CASE WHEN with_refresh THEN 7776000 ELSE least(:access_lifetime, 7776000) END)
    FROM taken
    RETURNING id, client_id, user_id, scope, resource, expires_at
), refresh AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('xr' || :n::bigint), 1, 16), 'refresh', sha256(int8send(-:n::bigint)), m.id, m.client_id, m.user_id,
           m.scope, m.resource, least(now() + make_interval(secs => :refresh_lifetime), m.expires_at)
    FROM made m, taken t WHERE t.with_refresh
), client_seen AS (
    UPDATE clients SET last_token_at = now()
    WHERE client_id IN (SELECT client_id FROM client WHERE seen_stale)
      AND (last_token_at IS NULL OR last_token_at < now() - interval '1 day')
      AND EXISTS (SELECT 1 FROM made)
), token_counted AS (
    INSERT INTO rate_limits AS r (bucket, window_start, hits)
    SELECT 'token:'::text || c.client_id, date_trunc('minute', now()), 1
    FROM client c WHERE NOT c.verified AND EXISTS (SELECT 1 FROM made)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'code.redeemed'::text, :actor::text, m.user_id, m.client_id,
           :address::text, jsonb_build_object('code_id', t.code_id, 'grant_id', m.id, 'scope', m.scope)
    FROM made m, taken t
)
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
SELECT substr(md5('xa' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint + 1)), m.id, m.client_id, m.user_id,
       m.scope, m.resource, CASE WHEN t.with_refresh THEN substr(md5('xr' || :n::bigint), 1, 16) END,
       least(now() + make_interval(secs => :access_lifetime), m.expires_at)
FROM made m, taken t
RETURNING scope, refresh_token_id IS NOT NULL AS with_refresh, ceil(extract(epoch FROM expires_at - now()))::int AS expires_in;
