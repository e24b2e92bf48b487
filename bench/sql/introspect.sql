-- pgbench: POST /oauth2/introspect (client_secret_basic, an active access token), as latch sends it: ONE statement
-- (TokenStore.lookupStatement, from IntrospectionEndpoint) that authenticates the client and looks the token up;
-- latch compares the token's stored hash in constant time. pgbench picks a token of the pool check.data.sql
-- created at random.
--
-- Generated from the product's statement by `latchctl debug bench-sql --write bench/sql`: do not edit
-- (Tests/LatchCoreTests/BenchScriptsTests.swift fails when this file differs from what latch sends).
\set n random(1, :pool)
WITH client AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified, (c.last_token_at IS NULL OR c.last_token_at < now() - interval '1 day') AS seen_stale, c.metadata->>'id_token_signed_response_alg' AS id_token_alg,
           (s.last_used_at IS NULL OR s.last_used_at < now() - interval '60 seconds') AS secret_stale
    FROM clients c JOIN client_secrets s
      ON s.id = :secret_id AND s.client_id = c.client_id AND s.secret_hash = decode(:secret_hash, 'hex')
    WHERE c.client_id = :client
      AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
               WHEN c.origin = 'admin' THEN 'client_secret_basic'::text IN ('client_secret_basic', 'client_secret_post')
               ELSE 'client_secret_basic'::text = c.token_endpoint_auth_method END
       AND c.verified

)
SELECT live.*, client.verified AS caller_verified, client.secret_stale AS caller_secret_stale
FROM client LEFT JOIN LATERAL (SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
       false AS client_verified,
       extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
FROM tokens t
JOIN grants g ON g.id = t.grant_id

LEFT JOIN users u ON u.id = t.user_id
WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = :token_kind
  AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL AND g.expires_at > now() AND u.disabled_at IS NULL) AS live
    ON client.verified OR live.client_id = client.client_id;
