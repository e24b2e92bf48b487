-- pgbench: GET /oauth2/userinfo (Bearer, an active access token with openid), as latch sends it: ONE statement
-- (TokenStore.userInfoStatement, from UserInfoEndpoint): the gate's token lookup and the person's row. pgbench picks
-- a token of the pool check.data.sql created at random.
--
-- Generated from the product's statement by `latchctl debug bench-sql --write bench/sql`: do not edit
-- (Tests/LatchCoreTests/BenchScriptsTests.swift fails when this file differs from what latch sends).
\set n random(1, :pool)
SELECT live.*, p.email, p.email_verified
FROM (SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
       false AS client_verified,
       extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
FROM tokens t
JOIN grants g ON g.id = t.grant_id

LEFT JOIN users u ON u.id = t.user_id
WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = :token_kind
  AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL AND g.expires_at > now() AND u.disabled_at IS NULL) AS live
LEFT JOIN users p ON p.id = live.user_id;
