-- Included by client_authentication.sql and introspect.sql: the conditions of the `client`
-- CTE of ClientStore.authenticatingCTEs — this client, a method it may use
-- (client_secret_basic; a bind in latch, a literal here), and the presented secret (matched as
-- its SHA-256) one of its secrets.
    WHERE c.client_id = :client
      AND CASE WHEN c.token_endpoint_auth_method = 'none' THEN false
               WHEN c.origin = 'admin' THEN 'client_secret_basic'::text IN ('client_secret_basic', 'client_secret_post')
               ELSE 'client_secret_basic'::text = c.token_endpoint_auth_method END
      AND EXISTS (SELECT 1 FROM client_secrets s
                  WHERE s.id = :secret_id AND s.client_id = c.client_id AND s.secret_hash = decode(:secret_hash, 'hex'))
