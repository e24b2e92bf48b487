-- pgbench: GET /oauth2/check (and /api/v2/users/me) as the one statement latch is expected
-- to send: the bearer token's row by primary key, valid only if unrevoked, unexpired, its
-- grant unrevoked and its user not disabled; latch compares the stored hash in constant
-- time and answers 204 with X-Latch-User, -User-Id, -Client, -Scope.
--
-- Bind as latch sends it: the token's lookup id. Here pgbench picks a token of the pool
-- check.data.sql created at random.
\set n random(1, :pool)
SELECT t.secret_hash, t.client_id, t.user_id, u.username, t.scope, t.expires_at
  FROM tokens AS t
  JOIN grants AS g ON g.id = t.grant_id
  LEFT JOIN users AS u ON u.id = t.user_id
 WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0')
   AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > now()
   AND g.revoked_at IS NULL
   AND (t.user_id IS NULL OR u.disabled_at IS NULL);
