-- Included by client_authentication.sql and introspect.sql: the `secret_used` CTE of
-- ClientStore.authenticatingCTEs, which records the secret's use but writes only when the last
-- recorded use is over a minute old.
secret_used AS (
    UPDATE client_secrets SET last_used_at = now()
    WHERE id = :secret_id AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')
      AND EXISTS (SELECT 1 FROM client)
)
