-- The pool refresh.sql consumes: for each pgbench client c (0 ..< :clients) and
-- k = 1 ... :per_client, n = c * :stride + k: a grant, its unused refresh token (id
-- 'b' || lpad(to_hex(n), 15, '0'), hash sha256(int8send(n))) and the access token issued with it.
-- psql variables: clients, per_client, stride.
\set ON_ERROR_STOP on
SELECT id AS user_id FROM users WHERE username = 'bench-user' \gset
CREATE TEMPORARY TABLE pool AS
SELECT c::bigint * :stride + k AS n
  FROM generate_series(0, :clients - 1) AS c, generate_series(1, :per_client) AS k;
INSERT INTO grants (id, client_id, user_id, scope, created_at, last_used_at)
SELECT 'pg-' || n, 'bench-app', :user_id, 'bench:read bench:write', now(), now() FROM pool;
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at)
SELECT 'b' || lpad(to_hex(n), 15, '0'), 'refresh', sha256(int8send(n)), 'pg-' || n, 'bench-app', :user_id,
       'bench:read bench:write', now() + interval '30 days'
  FROM pool;
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, refresh_token_id, expires_at)
SELECT substr(md5('pa' || n), 1, 16), 'access', sha256(int8send(n + 1)), 'pg-' || n, 'bench-app', :user_id,
       'bench:read bench:write', 'b' || lpad(to_hex(n), 15, '0'), now() + interval '1 hour'
  FROM pool;
ANALYZE grants;
ANALYZE tokens;
