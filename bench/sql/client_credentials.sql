-- pgbench: POST /oauth2/tokens, grant_type=client_credentials (client_secret_basic, scope=bench:read, no resource: latch's
-- own API, 'own' here), as latch sends it: ONE statement (TokenStore.clientTokenStatement, from
-- ClientCredentialsGrant.act), autocommitted. pgbench derives the new ids from a counter :n.
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
      AND 'client_credentials'::text = ANY (c.grant_types) AND c.verified

), target AS (
    SELECT coalesce(r.identifier, a.asked) AS identifier,
           CASE WHEN r.identifier IS NULL THEN NULL ELSE r.scopes END AS scopes,
           coalesce(r.default_scopes, '{}'::text[]) AS default_scopes
    FROM (SELECT 'own'::text AS asked) AS a
    LEFT JOIN resources r ON r.identifier = a.asked
    WHERE r.identifier IS NOT NULL OR a.asked = 'own'::text
), resolved AS (
    -- One row when the token is issued: what the grant, the token and the answer need.
    SELECT c.client_id, t.identifier AS audience, d.scope, c.verified AS client_verified, c.seen_stale, c.secret_stale,
           now() + make_interval(secs => least(:access_lifetime::int, 7776000::int)) AS token_end
    FROM client c CROSS JOIN target t CROSS JOIN LATERAL (
        SELECT coalesce(string_agg(candidate.name, ' ' ORDER BY candidate.position), '') AS scope,
               count(*) AS permitted
        FROM unnest(coalesce(ARRAY[:scope]::text[], CASE WHEN cardinality(c.scope) > 0 THEN c.scope ELSE t.default_scopes END))
             WITH ORDINALITY AS candidate(name, position)
        -- Each asked name looked up by its key (OFFSET 0 keeps this a lookup per name:
        -- joined, the few scopes rows were hashed anew by every request).
        CROSS JOIN LATERAL (SELECT s.name, s.open FROM scopes s WHERE s.name = candidate.name OFFSET 0) AS s
        WHERE (c.verified OR s.open)
          AND (cardinality(c.scope) = 0 OR s.name = ANY (c.scope))
          AND (s.name IN ('openid', 'offline_access') OR t.scopes IS NULL OR s.name = ANY (t.scopes))
    ) AS d
    WHERE ARRAY[:scope]::text[] IS NULL OR d.permitted = cardinality(ARRAY[:scope]::text[])
), new_grant AS (
    INSERT INTO grants (id, client_id, user_id, scope, resource, last_used_at, expires_at)
    SELECT 'g_' || substr(md5('cg' || :n::bigint), 1, 24), client_id, NULL, scope, audience, now(), token_end
    FROM resolved
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'token.issued'::text, :actor::text, NULL, client_id, :address::text,
           jsonb_build_object('grant_type', 'client_credentials', 'grant_id', 'g_' || substr(md5('cg' || :n::bigint), 1, 24)::text, 'scope', scope,
                              'resource', audience)
    FROM resolved
), issued AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('ca' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint)), 'g_' || substr(md5('cg' || :n::bigint), 1, 24), client_id, NULL, scope, audience, token_end
    FROM resolved
)
SELECT x.scope, ceil(extract(epoch FROM x.token_end - now()))::int AS expires_in, x.client_id,
       NULL::bigint AS user_id, NULL::bigint AS auth_epoch, (SELECT r.identifier FROM resources r WHERE r.identifier = x.audience AND r.token_format = 'jwt') AS jwt_audience,
       x.client_verified, x.seen_stale, x.secret_stale
FROM resolved x;
