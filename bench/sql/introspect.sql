-- pgbench: POST /oauth2/introspect (client_secret_basic, an active access token), as latch
-- sends it: ONE statement (TokenStore.live(_:askedBy:), from IntrospectionEndpoint), in which
-- the CTEs of ClientStore.authenticatingCTEs authenticate the client — here with no grant
-- type condition, as for introspection — and TokenStore.live's lookup (token_live.sql) reads
-- the token's row by lookup id and kind, live only if unrevoked, unused, unexpired, its grant
-- unrevoked and its user not disabled; latch compares the token's stored hash in constant time.
--
-- Binds as latch sends them: client_id (from Basic), the secret's lookup id and SHA-256; the
-- token's lookup id and kind ('access', from the lat_ prefix). Here pgbench picks a token of
-- the pool check.data.sql created at random.
\set n random(1, :pool)
WITH client AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified FROM clients c
-- include: client_secret_check.sql
),
-- include: client_secret_used.sql
SELECT live.* FROM client LEFT JOIN LATERAL (
-- include: token_live.sql
) AS live ON true;
