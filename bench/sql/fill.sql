-- Pre-fills the token tables to :rows filler tokens (generate_series: fast), owned by the
-- filler client: pairs of refresh + access token, one grant per pair, spread over 1000
-- users, issued over the last 30 days (so most access tokens have expired, as in life).
-- Ids are random-looking hex like minted ones, so the indexes grow as they would.
-- Idempotent and incremental: only the rows missing up to :rows are added.
-- psql variable: rows.
\set ON_ERROR_STOP on
-- A bulk load, in one transaction: every reference below points at a row that exists (the
-- filler client, users and grants), so the foreign-key triggers are skipped for this
-- session; the tables' secondary indexes (whatever the migrations define) are dropped and
-- built again afterwards, and rows go in ordered by primary key (5M rows: minutes faster).
BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL maintenance_work_mem = '256MB';
SET LOCAL work_mem = '256MB';
CREATE TEMPORARY TABLE saved_indexes ON COMMIT DROP AS
SELECT i.indexname, i.indexdef
  FROM pg_indexes AS i
 WHERE i.schemaname = 'public' AND i.tablename IN ('grants', 'tokens')
   AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname);
SELECT format('DROP INDEX %I', indexname) FROM saved_indexes \gexec
SELECT count(*) AS have FROM tokens WHERE client_id = 'bench-filler' \gset
SELECT min(id) AS first_user FROM users WHERE username LIKE 'bench-filler-%' \gset

INSERT INTO grants (id, client_id, user_id, scope, created_at, last_used_at)
SELECT 'fill-' || g, 'bench-filler', :first_user + (g % 1000), 'bench:read',
       now() - make_interval(secs => (g * 7919::bigint) % 2592000), now()
  FROM generate_series((:have + 1) / 2 + 1, (:rows + 1) / 2) AS g
 ORDER BY 1;

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
       now() - make_interval(secs => (((i + 1) / 2) * 7919::bigint) % 2592000),
       now() - make_interval(secs => (((i + 1) / 2) * 7919::bigint) % 2592000)
             + CASE WHEN i % 2 = 1 THEN interval '30 days' ELSE interval '1 hour' END
  FROM generate_series(:have + 1, :rows) AS i
 ORDER BY 1;

SELECT indexdef FROM saved_indexes \gexec
COMMIT;
-- As after any bulk load: VACUUM sets the visibility map and hint bits now, so that neither
-- the first readers of each page nor an autovacuum of millions of new rows (due a minute or
-- so later) runs during a measurement.
VACUUM (ANALYZE) grants;
VACUUM (ANALYZE) tokens;
