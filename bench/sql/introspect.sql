-- pgbench: POST /oauth2/introspect as the one statement latch is expected to send:
-- authenticate the calling client (a resource server) and look the token up by its
-- primary key, with what an active response reports; latch then compares the stored
-- hash in constant time and checks kind and expiry.
--
-- Binds as latch sends them: secret_id, secret_hash, client, the token's lookup id.
-- Here pgbench picks a token of the pool check.data.sql created at random.
\set n random(1, :pool)
WITH caller AS (
    SELECT s.client_id
      FROM client_secrets AS s
     WHERE s.id = :secret_id AND s.secret_hash = :secret_hash AND s.client_id = :client
)
SELECT caller.client_id AS caller, t.kind, t.secret_hash, t.client_id, t.user_id, u.username,
       t.scope, t.audience, t.created_at, t.expires_at
  FROM caller
  LEFT JOIN tokens AS t
         ON t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0')
        AND t.revoked_at IS NULL AND t.expires_at > now()
        AND EXISTS (SELECT 1 FROM grants AS g WHERE g.id = t.grant_id AND g.revoked_at IS NULL)
  LEFT JOIN users AS u ON u.id = t.user_id AND u.disabled_at IS NULL;
