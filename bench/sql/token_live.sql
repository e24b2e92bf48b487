-- Included by check.sql and introspect.sql (inside its statement) (`-- include:` lines, expanded by
-- bench/harness/loadgen.py): TokenStore.live — the token's row by lookup id and kind, live
-- only if unrevoked, unused, unexpired, its grant unrevoked and not past its end, and its user
-- not disabled. Audience and scopes are compared in Swift. (check.sql joins the client's verified
-- flag, X-Latch-Client-Verified, as TokenStore.liveLookup does for the gate; introspection spares it.)
SELECT t.secret_hash, t.grant_id, t.client_id, t.user_id, u.username, t.scope, t.audience,
       extract(epoch FROM t.created_at)::bigint AS iat, extract(epoch FROM t.expires_at)::bigint AS exp
  FROM tokens t
  JOIN grants g ON g.id = t.grant_id
  LEFT JOIN users u ON u.id = t.user_id
 WHERE t.id = 'c' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = :token_kind
   AND t.revoked_at IS NULL AND t.used_at IS NULL AND t.expires_at > now()
   AND g.revoked_at IS NULL AND g.expires_at > now() AND (t.user_id IS NULL OR u.disabled_at IS NULL)
