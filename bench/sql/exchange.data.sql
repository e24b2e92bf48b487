-- The pool exchange.sql consumes: for each pgbench client c (0 ..< :clients) the codes
-- n = c * :stride + k, k = 1 ... :per_client, unredeemed, for bench-app and bench-user.
-- psql variables: clients, per_client, stride, challenge, redirect_uri.
\set ON_ERROR_STOP on
SELECT id AS user_id FROM users WHERE username = 'bench-user' \gset
INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given,
                                 code_challenge, scope, expires_at)
SELECT lpad(to_hex(n), 16, '0'), sha256(int8send(n)), 'bench-app', :user_id, :'redirect_uri', true,
       :'challenge', 'bench:read bench:write', now() + interval '1 hour'
  FROM generate_series(0, :clients - 1) AS c,
       LATERAL (SELECT c::bigint * :stride + k AS n FROM generate_series(1, :per_client) AS k) AS pool;
ANALYZE authorization_codes;
