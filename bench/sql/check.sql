-- pgbench: GET /oauth2/check (and /api/v2/users/me) with a bearer token, as latch sends it:
-- one statement, TokenStore.live (BearerAuthentication.require): the token's row by lookup id
-- and kind, live only if unrevoked, unused, unexpired, its grant unrevoked and its user not
-- disabled; latch compares the stored hash in constant time and answers 204 with
-- X-Latch-User, -User-Id, -Client, -Scope.
--
-- Binds as latch sends them: the token's lookup id and kind ('access', from the lat_
-- prefix). Here pgbench picks a token of the pool check.data.sql created at random.
\set n random(1, :pool)
SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
       extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
  FROM tokens t
  JOIN grants g ON g.id = t.grant_id
  LEFT JOIN users u ON u.id = t.user_id
 WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = :token_kind
   AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()
   AND g.revoked_at IS NULL AND (t.user_id IS NULL OR u.disabled_at IS NULL);
