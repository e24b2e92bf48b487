-- Pre-fills the token tables to :rows filler tokens (generate_series: fast), owned by the
-- filler client: pairs of refresh + access token, one grant per pair, spread over 1000
-- users, issued over the last 30 days (so most access tokens have expired, as in life).
-- Ids are random-looking hex like minted ones, so the indexes grow as they would.
-- Idempotent and incremental: only the rows missing up to :rows are added.
-- psql variable: rows.
\set ON_ERROR_STOP on

SELECT count(*) AS have FROM tokens WHERE client_id = 'bench-filler' \gset
SELECT min(id) AS first_user FROM users WHERE username LIKE 'bench-filler-%' \gset

INSERT INTO grants (id, client_id, user_id, scope, created_at, last_used_at)
SELECT 'fill-' || g, 'bench-filler', :first_user + (g % 1000), 'bench:read',
       now() - make_interval(secs => (g * 7919) % 2592000), now()
  FROM generate_series((:have + 1) / 2 + 1, (:rows + 1) / 2) AS g;

INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, refresh_token_id,
                    created_at, expires_at)
SELECT substr(md5('fill' || i), 1, 16),
       CASE WHEN i % 2 = 1 THEN 'refresh' ELSE 'access' END,
       sha256(int8send(i)),
       'fill-' || ((i + 1) / 2),
       'bench-filler',
       :first_user + (((i + 1) / 2) % 1000),
       'bench:read',
       CASE WHEN i % 2 = 0 THEN substr(md5('fill' || (i - 1)), 1, 16) END,
       now() - make_interval(secs => (((i + 1) / 2) * 7919) % 2592000),
       now() - make_interval(secs => (((i + 1) / 2) * 7919) % 2592000)
             + CASE WHEN i % 2 = 1 THEN interval '30 days' ELSE interval '1 hour' END
  FROM generate_series(:have + 1, :rows) AS i;

ANALYZE grants;
ANALYZE tokens;
