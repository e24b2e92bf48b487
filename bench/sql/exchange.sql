-- pgbench: POST /oauth2/tokens, grant_type=authorization_code (client_secret_basic, PKCE S256, redirect_uri repeated), as
-- latch sends it when the code is redeemed: ONE statement (AuthorizationCodeStore.redemptionStatement, from
-- AuthorizationCodeGrant.act), autocommitted. pgbench derives the per-request values from a counter :n over the
-- pool exchange.data.sql created.
--
-- Generated from the product's statement by `latchctl debug bench-sql --write bench/sql`: do not edit
-- (Tests/LatchCoreTests/BenchScriptsTests.swift fails when this file differs from what latch sends).
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH client AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified, (c.last_token_at IS NULL OR c.last_token_at < now() - interval '1 day') AS seen_stale, c.metadata->>'id_token_signed_response_alg' AS id_token_alg,
           (s.last_used_at IS NULL OR s.last_used_at < now() - interval '60 seconds') AS secret_stale
    FROM clients c JOIN client_secrets s
      ON s.id = :secret_id AND s.client_id = c.client_id AND s.secret_hash = decode(:secret_hash, 'hex')
    WHERE c.client_id = :client
      AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
               WHEN c.origin = 'admin' THEN 'client_secret_basic'::text IN ('client_secret_basic', 'client_secret_post')
               ELSE 'client_secret_basic'::text = c.token_endpoint_auth_method END
      AND 'authorization_code'::text = ANY (c.grant_types) AND c.verified

), taken AS (
    UPDATE authorization_codes code SET redeemed_at = now(), grant_id = 'g_' || substr(md5('xg' || :n::bigint), 1, 24)
    FROM client c, users u
    WHERE code.id = lpad(to_hex(:n::bigint), 16, '0') AND code.secret_hash = sha256(int8send(:n::bigint))
      AND code.client_id = c.client_id AND code.redeemed_at IS NULL AND code.expires_at > now()
      AND u.id = code.user_id AND u.disabled_at IS NULL
      AND code.code_challenge = :challenge
      AND CASE WHEN code.redirect_uri_given OR :redirect_uri::text IS NOT NULL
               THEN code.redirect_uri = :redirect_uri::text ELSE true END
      AND (NULL::text IS NULL OR coalesce(code.resource, 'own'::text) = NULL::text)

    RETURNING code.id AS code_id, code.client_id, code.user_id, code.scope,
              coalesce(code.resource, 'own'::text) AS resource,
              'refresh_token' = ANY (c.grant_types) AS with_refresh,
              now() + make_interval(secs => CASE WHEN 'refresh_token' = ANY (c.grant_types) THEN 7776000::int
                                                 ELSE least(:access_lifetime::int, 7776000::int) END) AS grant_end,
              code.nonce, code.auth_time, u.username, u.email, u.email_verified, c.id_token_alg,
              c.verified AS client_verified, c.seen_stale, c.secret_stale
), made AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, auth_time, last_used_at, expires_at)
    SELECT 'g_' || substr(md5('xg' || :n::bigint), 1, 24), client_id, user_id, scope, resource, auth_time, now(), grant_end
    FROM taken
), issued AS (
    -- Both tokens in one INSERT (the refresh token only when the client may use it).
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
    SELECT n.id, n.kind, n.secret_hash, 'g_' || substr(md5('xg' || :n::bigint), 1, 24), t.client_id, t.user_id, t.scope, t.resource, n.refresh_token_id,
           least(now() + make_interval(secs => n.lifetime), t.grant_end)
    FROM taken t CROSS JOIN LATERAL (VALUES
        (substr(md5('xa' || :n::bigint), 1, 16)::text, 'access'::text, sha256(int8send(:n::bigint + 1))::bytea,
         CASE WHEN t.with_refresh THEN substr(md5('xr' || :n::bigint), 1, 16)::text END, :access_lifetime::int),
        (substr(md5('xr' || :n::bigint), 1, 16)::text, 'refresh'::text, sha256(int8send(-:n::bigint))::bytea, NULL::text, :refresh_lifetime::int)
    ) AS n (id, kind, secret_hash, refresh_token_id, lifetime)
    WHERE n.kind = 'access' OR t.with_refresh
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'code.redeemed'::text, :actor::text, t.user_id, t.client_id,
           :address::text, jsonb_build_object('code_id', t.code_id, 'grant_id', 'g_' || substr(md5('xg' || :n::bigint), 1, 24)::text, 'scope', t.scope)
    FROM taken t
)
SELECT t.scope, t.with_refresh,
       ceil(extract(epoch FROM least(now() + make_interval(secs => :access_lifetime), t.grant_end) - now()))::int AS expires_in,
       t.client_id, t.user_id, t.nonce,
       extract(epoch FROM t.auth_time)::bigint AS auth_epoch, t.username, t.email, t.email_verified, t.id_token_alg,
       (SELECT r.identifier FROM resources r WHERE r.identifier = t.resource AND r.token_format = 'jwt') AS jwt_audience, t.client_verified, t.seen_stale, t.secret_stale
FROM taken t;
