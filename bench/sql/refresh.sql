-- pgbench: POST /oauth2/tokens, grant_type=refresh_token (rotation, client_secret_basic), as
-- latch sends it when the rotation succeeds: ONE statement (TokenStore.rotateOnce, from
-- RefreshTokenGrant.rotateAtOnce), autocommitted: it authenticates the client
-- (client_authentication.sql), marks the presented refresh token used (only if this client's,
-- unused, unrevoked, unexpired, of a live grant and user, and the requested scope and
-- resource fit), revokes the access token issued with it, touches the grant, inserts the new
-- refresh token, the audit row (refresh.rotated) and the new access token. (Only when it
-- rotates nothing does latch send more: the full path, which finds out why; never here.)
--
-- Binds as latch sends them: client_id (from Basic), the secret's lookup id and SHA-256; the
-- refresh token's lookup id + SHA-256 of its secret, the client, the requested scope and
-- resource (NULL and NULL: the request names neither, so they are NULL literals here:
-- pgbench cannot bind a NULL), new token ids + hashes, lifetimes, the audit actor and source
-- address. Here pgbench derives the per-request values from a counter :n over the pool
-- refresh.data.sql created. The audit event name, a bind in latch, is a literal here.
\set seq :seq + 1
\set n :client_id * :stride + :base + :seq
WITH
-- include: client_authentication.sql
, presented AS (
    UPDATE tokens t SET used_at = now()
    FROM client c, grants g LEFT JOIN users u ON u.id = g.user_id
    WHERE t.id = 'b' || lpad(to_hex(:n::bigint), 15, '0') AND t.kind = 'refresh'
      AND t.secret_hash = sha256(int8send(:n::bigint))
      AND t.client_id = c.client_id
      AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
      AND g.id = t.grant_id AND g.revoked_at IS NULL AND g.expires_at > now() AND u.disabled_at IS NULL
      AND (NULL::text IS NULL OR string_to_array(NULL::text, ' ') <@ string_to_array(t.scope, ' '))
      AND (NULL::text IS NULL OR coalesce(t.audience, 'own') = NULL::text)
    RETURNING t.id, t.grant_id, t.user_id, t.scope, t.audience, g.expires_at AS grant_expires_at
), sibling AS (
    UPDATE tokens a SET revoked_at = now()
    FROM presented p
    WHERE a.refresh_token_id = p.id AND a.kind = 'access' AND a.revoked_at IS NULL
), touched AS (
    UPDATE grants g SET last_used_at = now()
    FROM presented p
    WHERE g.id = p.grant_id
), new_refresh AS (
    INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, expires_at)
    SELECT substr(md5('rr' || :n::bigint), 1, 16), 'refresh', sha256(int8send(-:n::bigint)), p.grant_id, :client,
           p.user_id, p.scope, p.audience, least(now() + make_interval(secs => :refresh_lifetime), p.grant_expires_at)
    FROM presented p
), client_seen AS (
    UPDATE clients SET last_token_at = now()
    WHERE client_id IN (SELECT client_id FROM client WHERE seen_stale)
      AND (last_token_at IS NULL OR last_token_at < now() - interval '1 day')
      AND EXISTS (SELECT 1 FROM presented)
), token_counted AS (
    INSERT INTO rate_limits AS r (bucket, window_start, hits)
    SELECT 'token:'::text || c.client_id, date_trunc('minute', now()), 1
    FROM client c WHERE NOT c.verified AND EXISTS (SELECT 1 FROM presented)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
), audited AS (
    INSERT INTO audit_events (event, actor, user_id, client_id, source_address, detail)
    SELECT 'refresh.rotated'::text, :actor::text, p.user_id, :client::text,
           :address::text,
           jsonb_build_object('grant_id', p.grant_id, 'scope', coalesce(NULL::text, p.scope))
    FROM presented p
)
INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, audience, refresh_token_id, expires_at)
SELECT substr(md5('ra' || :n::bigint), 1, 16), 'access', sha256(int8send(:n::bigint + 1)), p.grant_id, :client,
       p.user_id, coalesce(NULL::text, p.scope), p.audience, substr(md5('rr' || :n::bigint), 1, 16),
       least(now() + make_interval(secs => :access_lifetime), p.grant_expires_at)
FROM presented p
RETURNING scope, ceil(extract(epoch FROM expires_at - now()))::int AS expires_in;
