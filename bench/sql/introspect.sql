-- pgbench: POST /oauth2/introspect (client_secret_basic, an active access token), as latch
-- sends it: two statements, each its own round trip, each autocommitted, in this order:
--   1. ClientStore.find(_:authenticatedBy:) (ClientAuthenticator.verify): the client's row
--      and its secret's stored hash (compared in Swift, constant time) in one statement, and
--      whether the secret's last_used_at is stale; only when stale (at most once a minute per
--      secret) one more round trip, an UPDATE of last_used_at that repeats the staleness
--      condition (so of several workers that saw it stale, one writes);
--   2. TokenStore.live (IntrospectionEndpoint.introspect): the token's row by lookup id and
--      kind, live only if unrevoked, unused, unexpired, its grant unrevoked and its user not
--      disabled; latch compares the stored hash in constant time.
--
-- Binds as latch sends them: client_id (from Basic) and the secret's lookup id; the token's
-- lookup id and kind ('access', from the lat_ prefix). Here pgbench picks a token of the pool
-- check.data.sql created at random.
\set n random(1, :pool)
SELECT client_id, name, icon, callback_url, redirect_uris, scope, token_endpoint_auth_method, grant_types,
       response_types, origin, metadata::text AS metadata, extract(epoch FROM created_at)::bigint AS created_epoch,
       secret.secret_hash, secret.stale
  FROM clients LEFT JOIN LATERAL (
      SELECT secret_hash, (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds') AS stale
        FROM client_secrets WHERE id = :secret_id AND client_secrets.client_id = clients.client_id) AS secret ON true
 WHERE client_id = :client \gset auth_
\if :auth_stale
UPDATE client_secrets SET last_used_at = now()
 WHERE id = :secret_id AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds');
\endif
SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
       extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
  FROM tokens t
  JOIN grants g ON g.id = t.grant_id
  LEFT JOIN users u ON u.id = t.user_id
 WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = :token_kind
   AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()
   AND g.revoked_at IS NULL AND (t.user_id IS NULL OR u.disabled_at IS NULL);
