-- Included by the token paths' pgbench scripts (`-- include:` lines, expanded by
-- bench/harness/loadgen.py): the CTEs of ClientStore.authenticatingCTEs that open each of
-- latch's one-round-trip token statements. `authenticated`: the client's row, only when the
-- presented secret proves it (client_secret_check.sql) and it may use the path's grant type;
-- `token_rate`: counts the request of an unverified client (LATCH_UNVERIFIED_TOKEN_RATE_LIMIT,
-- the default 120 a literal here; the bench's clients are verified, so it writes nothing);
-- `client`: the row while within the limit; `secret_used` (client_secret_used.sql).
authenticated AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified FROM clients c
-- include: client_secret_check.sql
      AND :grant_type::text = ANY (c.grant_types)
), token_rate AS (
    INSERT INTO rate_limits AS r (bucket, window_start, hits)
    SELECT 'token:'::text || a.client_id, date_trunc('minute', now()), 1
    FROM authenticated a WHERE NOT a.verified
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
    RETURNING hits
), client AS (
    SELECT * FROM authenticated WHERE NOT EXISTS (SELECT 1 FROM token_rate WHERE hits > 120)
),
-- include: client_secret_used.sql
