-- The pool introspect.sql and check.sql read: :pool live access tokens (ids
-- 'c' || lpad(to_hex(n), 15, '0'), n = 1 ... :pool), each with its grant, for bench-app and bench-user.
-- psql variable: pool.
\set ON_ERROR_STOP on
SELECT id AS user_id FROM users WHERE username = 'bench-user' \gset
INSERT INTO grants (id, client_id, user_id, scope, created_at, last_used_at)
SELECT 'pgr-' || n, 'bench-app', :user_id, 'bench:read bench:write', now(), now()
  FROM generate_series(1, :pool) AS n;
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at)
SELECT 'c' || lpad(to_hex(n), 15, '0'), 'access', sha256(int8send(n)), 'pgr-' || n, 'bench-app', :user_id,
       'bench:read bench:write', now() + interval '1 hour'
  FROM generate_series(1, :pool::bigint) AS n;
ANALYZE grants;
ANALYZE tokens;
