-- Included by the token paths' pgbench scripts (`-- include:` lines, expanded by
-- bench/harness/loadgen.py): the CTEs of ClientStore.authenticatingCTEs that open each of
-- latch's one-round-trip token statements. `authenticated`: the client's row, only when the
-- presented secret proves it (client_secret_check.sql) and it may use the path's grant type;
-- `client`: that row while it is verified, or its window of LATCH_UNVERIFIED_TOKEN_RATE_LIMIT
-- (the default 120, a literal here) is not full (the bench's clients are verified: no look);
-- `secret_used` (client_secret_used.sql). The issuing statement then records the token
-- (client_seen, token_counted: IssuingStatement.recorded) after the CTE that issued it.
authenticated AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified,
           (c.last_token_at IS NULL OR c.last_token_at < now() - interval '1 day') AS seen_stale FROM clients c
-- include: client_secret_check.sql
      AND :grant_type::text = ANY (c.grant_types)
      AND (:grant_type::text <> 'client_credentials' OR c.verified)
), client AS (
    SELECT * FROM authenticated a
    WHERE CASE WHEN a.verified THEN true
               ELSE NOT EXISTS (SELECT 1 FROM rate_limits r
                                WHERE r.bucket = 'token:'::text || a.client_id
                                  AND r.window_start = date_trunc('minute', now()) AND r.hits >= 120) END
),
-- include: client_secret_used.sql
