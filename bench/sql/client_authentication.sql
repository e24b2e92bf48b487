-- Included by the token paths' pgbench scripts (`-- include:` lines, expanded by
-- bench/harness/loadgen.py): the CTEs of ClientStore.authenticatingCTEs that open each of
-- latch's one-round-trip token statements. `client`: the client's row, only when the
-- presented secret proves it (client_secret_check.sql) and it may use the path's grant type;
-- `secret_used` (client_secret_used.sql).
client AS (
    SELECT c.client_id, c.scope, c.grant_types, c.verified FROM clients c
-- include: client_secret_check.sql
      AND :grant_type::text = ANY (c.grant_types)
),
-- include: client_secret_used.sql
