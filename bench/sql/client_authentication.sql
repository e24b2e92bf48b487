-- Included by the token paths' pgbench scripts (`-- include:` lines, expanded by
-- bench/harness/loadgen.py): the CTEs of ClientStore.authenticatingCTEs that open each of
-- latch's one-round-trip token statements. `client`: the client's row, only when the
-- presented secret (matched as its SHA-256) is one of its secrets, the method
-- (client_secret_basic; a bind in latch, a literal here) is one it may use, and it may use
-- the path's grant type; `secret_used`: records the secret's use, but writes only when the
-- last recorded use is over a minute old.
client AS (
    SELECT c.client_id, c.scope, c.grant_types FROM clients c
    WHERE c.client_id = :client
      AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
               WHEN c.origin = 'admin' THEN 'client_secret_basic'::text IN ('client_secret_basic', 'client_secret_post')
               ELSE 'client_secret_basic'::text = c.token_endpoint_auth_method END
      AND EXISTS (SELECT 1 FROM client_secrets s
                  WHERE s.id = :secret_id AND s.client_id = c.client_id AND s.secret_hash = decode(:secret_hash, 'hex'))
      AND :grant_type::text = ANY (c.grant_types)
), secret_used AS (
    UPDATE client_secrets SET last_used_at = now()
    WHERE id = :secret_id AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')
      AND EXISTS (SELECT 1 FROM client)
)
