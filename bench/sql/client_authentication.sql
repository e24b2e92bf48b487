-- Included by the client-authenticated paths' pgbench scripts (`-- include:` lines, expanded
-- by bench/harness/loadgen.py): ClientStore.find(_:authenticatedBy:) — the client's row and
-- its secret's stored hash and staleness in one statement — and, only when the secret's
-- last_used_at is over a minute old, the UPDATE that records the use (repeating the
-- staleness condition, so of several clients that saw it stale, one writes).
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
