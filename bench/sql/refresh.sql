-- pgbench: POST /oauth2/tokens, grant_type=refresh_token (rotation, client_secret_basic), as latch sends it when the
-- rotation succeeds: ONE statement (TokenStore.rotationStatement, from RefreshTokenGrant.act), autocommitted. The
-- request names no scope and no resource (NULL). pgbench derives the per-request values from a counter :n over the
-- pool refresh.data.sql created.
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
      AND 'refresh_token'::text = ANY (c.grant_types) AND c.verified

), presented AS (
    UPDATE tokens t SET used_at = now()
    FROM client c, grants g LEFT JOIN users u ON u.id = g.user_id
    WHERE t.id = 'b' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = 'refresh' AND t.secret_hash = sha256(int8send(:n::bigint))
      AND t.client_id = c.client_id
      AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now() AND g.id = t.grant_id AND g.revoked_at IS NULL AND g.expires_at > now() AND u.disabled_at IS NULL
      AND (NULL::text IS NULL OR string_to_array(NULL, ' ') <@ string_to_array(t.scope, ' '))
      AND (NULL::text IS NULL OR coalesce(t.audience, 'own'::text) = NULL)

    RETURNING t.id, t.grant_id, t.user_id, t.scope, t.audience, g.expires_at AS grant_expires_at,
              g.auth_time, u.username, u.email, u.email_verified, c.id_token_alg, c.verified AS client_verified, c.seen_stale, c.secret_stale
), sibling AS (
    UPDATE tokens a SET revoked_at = now()
    FROM presented p
    WHERE a.refresh_token_id = p.id AND a.kind = 'access' AND a.revoked_at IS NULL
), touched AS (
    UPDATE grants g SET last_used_at = now()
    FROM presented p
    WHERE g.id = p.grant_id
), new_pair AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
SELECT n.id, n.kind, n.secret_hash, p.grant_id, :client, p.user_id, n.scope, p.audience, n.refresh_token_id,
       least(now() + make_interval(secs => n.lifetime), p.grant_expires_at)
FROM presented p CROSS JOIN LATERAL (VALUES
    (substr(md5('ra' || :n::bigint), 1, 16)::text, 'access'::text, sha256(int8send(:n::bigint + 1))::bytea, coalesce(NULL::text, p.scope),
     substr(md5('rr' || :n::bigint), 1, 16)::text, :access_lifetime::int),
    (substr(md5('rr' || :n::bigint), 1, 16)::text, 'refresh'::text, sha256(int8send(-:n::bigint))::bytea, p.scope, NULL::text, :refresh_lifetime::int)
) AS n (id, kind, secret_hash, scope, refresh_token_id, lifetime)
RETURNING kind, scope, audience, ceil(extract(epoch FROM expires_at - now()))::int AS expires_in
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'refresh.rotated'::text, :actor::text, p.user_id, :client::text,
           :address::text,
           jsonb_build_object('grant_id', p.grant_id, 'scope', coalesce(NULL::text, p.scope))
    FROM presented p
)
SELECT coalesce(NULL::text, p.scope) AS scope,
       ceil(extract(epoch FROM least(now() + make_interval(secs => :access_lifetime), p.grant_expires_at) - now()))::int AS expires_in,
       :client::text AS client_id, p.user_id, NULL::text AS nonce,
extract(epoch FROM p.auth_time)::bigint AS auth_epoch, p.username, p.email, p.email_verified, p.id_token_alg,
       (SELECT r.identifier FROM resources r WHERE r.identifier = p.audience AND r.token_format = 'jwt') AS jwt_audience, p.client_verified, p.seen_stale, p.secret_stale
FROM presented p;
