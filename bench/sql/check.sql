-- pgbench: GET /oauth2/check (and /api/v2/users/me) with a bearer token, as latch sends it:
-- one statement, TokenStore.live (BearerAuthentication.require): the token's row by lookup id
-- and kind, live only if unrevoked, unused, unexpired, its grant unrevoked and its user not
-- disabled; latch compares the stored hash in constant time and answers 204 with
-- X-Latch-User, -User-Id, -Client, -Client-Verified, -Scope, -Audience when the audience is the
-- location's resource and every required scope is held (compared in Swift, no other round trip).
--
-- Binds as latch sends them: the token's lookup id and kind ('access', from the lat_
-- prefix). Here pgbench picks a token of the pool check.data.sql created at random.
\set n random(1, :pool)
SELECT live.*, c.verified AS client_verified FROM (
-- include: token_live.sql
) AS live JOIN clients c ON c.client_id = live.client_id;
