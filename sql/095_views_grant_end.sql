-- The DBA views learn a grant's absolute end (migration 006, LATCH_GRANT_MAX_LIFETIME): a grant
-- past it is not active, and its tokens are expired, exactly as every token check sees them
-- (TokenStore.liveLookup: g.expires_at > now()). Same columns as before (090).

CREATE OR REPLACE VIEW dba.active_grants AS
SELECT g.id                AS grant_id,
       g.user_id,
       u.username,
       g.client_id,
       c.name              AS app_name,
       g.scope,
       g.resource,
       g.created_at        AS granted_at,
       g.last_used_at,
       count(*) FILTER (WHERE t.kind = 'access')  AS live_access_tokens,
       count(*) FILTER (WHERE t.kind = 'refresh') AS live_refresh_tokens,
       max(t.expires_at)   AS expires_at
FROM grants g
JOIN clients c ON c.client_id = g.client_id
LEFT JOIN users u ON u.id = g.user_id
JOIN tokens t ON t.grant_id = g.id
             AND t.revoked_at IS NULL
             AND t.expires_at > now()
             AND NOT (t.kind = 'refresh' AND t.used_at IS NOT NULL)
WHERE g.revoked_at IS NULL
  AND g.expires_at > now()
  AND u.disabled_at IS NULL
GROUP BY g.id, u.username, c.name;
COMMENT ON VIEW dba.active_grants IS 'Grants (authorizations) still in force: not revoked, not past their absolute end (LATCH_GRANT_MAX_LIFETIME), user not disabled, at least one live token. One row per grant; group by username and app_name for per-user, per-app counts.';

CREATE OR REPLACE VIEW dba.tokens_by_state AS
SELECT t.id                AS token_id,
       t.kind,
       CASE
           WHEN t.revoked_at IS NOT NULL OR g.revoked_at IS NOT NULL
                OR (t.kind = 'refresh' AND t.used_at IS NOT NULL)
                OR u.disabled_at IS NOT NULL THEN 'revoked'
           WHEN t.expires_at <= now() OR g.expires_at <= now() THEN 'expired'
           ELSE 'active'
       END                 AS state,
       CASE
           WHEN t.revoked_at IS NOT NULL THEN 'token revoked'
           WHEN g.revoked_at IS NOT NULL THEN 'grant revoked: ' || coalesce(g.revoked_reason, 'unspecified')
           WHEN t.kind = 'refresh' AND t.used_at IS NOT NULL THEN 'rotated'
           WHEN u.disabled_at IS NOT NULL THEN 'user disabled'
       END                 AS revoked_reason,
       t.user_id,
       u.username,
       t.client_id,
       c.name              AS app_name,
       t.grant_id,
       t.scope,
       t.audience,
       t.created_at        AS issued_at,
       t.expires_at,
       coalesce(t.revoked_at, g.revoked_at, t.used_at, u.disabled_at) AS revoked_at
FROM tokens t
JOIN grants g ON g.id = t.grant_id
JOIN clients c ON c.client_id = t.client_id
LEFT JOIN users u ON u.id = t.user_id;
COMMENT ON COLUMN dba.tokens_by_state.state IS 'active, expired (the token, or its grant past its absolute end) or revoked.';
