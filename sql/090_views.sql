-- Views for DBAs and operators, in their own schema `dba`: what is live, with user and
-- app names joined in. No view exposes a hash column (secret_hash, state_hash,
-- code_challenge, password_hash) or any credential; lookup ids are shown because they are
-- not usable on their own. The read-only role (deploy/roles.sql, sql/091_roles.sql) may
-- read this schema and nothing else.

CREATE SCHEMA dba;
COMMENT ON SCHEMA dba IS 'Read-only views of latch state for DBAs and operators; no hashes, no credentials.';

CREATE VIEW dba.active_grants AS
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
  AND u.disabled_at IS NULL
GROUP BY g.id, u.username, c.name;
COMMENT ON VIEW dba.active_grants IS 'Grants (authorizations) still in force: not revoked, user not disabled, at least one live token. One row per grant; group by username and app_name for per-user, per-app counts.';
COMMENT ON COLUMN dba.active_grants.grant_id IS 'Grant (token family) id.';
COMMENT ON COLUMN dba.active_grants.user_id IS 'The user who authorized; NULL for client_credentials.';
COMMENT ON COLUMN dba.active_grants.username IS 'Their username.';
COMMENT ON COLUMN dba.active_grants.client_id IS 'The app (client) authorized.';
COMMENT ON COLUMN dba.active_grants.app_name IS 'The app''s display name.';
COMMENT ON COLUMN dba.active_grants.scope IS 'Space-separated scopes granted.';
COMMENT ON COLUMN dba.active_grants.resource IS 'RFC 8707 resource (audience), if any.';
COMMENT ON COLUMN dba.active_grants.granted_at IS 'When the grant was made.';
COMMENT ON COLUMN dba.active_grants.last_used_at IS 'When a token of the grant was last issued.';
COMMENT ON COLUMN dba.active_grants.live_access_tokens IS 'Access tokens of the grant that still work.';
COMMENT ON COLUMN dba.active_grants.live_refresh_tokens IS 'Refresh tokens of the grant that still work.';
COMMENT ON COLUMN dba.active_grants.expires_at IS 'When the last live token expires (the grant lapses then unless refreshed).';

CREATE VIEW dba.tokens_by_state AS
SELECT t.id                AS token_id,
       t.kind,
       CASE
           WHEN t.revoked_at IS NOT NULL OR g.revoked_at IS NOT NULL
                OR (t.kind = 'refresh' AND t.used_at IS NOT NULL)
                OR u.disabled_at IS NOT NULL THEN 'revoked'
           WHEN t.expires_at <= now() THEN 'expired'
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
COMMENT ON VIEW dba.tokens_by_state IS 'Every stored access and refresh token with its state: active, expired or revoked (revoked covers a revoked token or grant, a rotated refresh token and a disabled user; revoked_reason says which).';
COMMENT ON COLUMN dba.tokens_by_state.token_id IS 'Lookup id (not usable as a token).';
COMMENT ON COLUMN dba.tokens_by_state.kind IS 'access or refresh.';
COMMENT ON COLUMN dba.tokens_by_state.state IS 'active, expired or revoked.';
COMMENT ON COLUMN dba.tokens_by_state.revoked_reason IS 'Why a revoked token stopped working: token revoked, grant revoked: REASON, rotated, user disabled; NULL otherwise.';
COMMENT ON COLUMN dba.tokens_by_state.user_id IS 'The user the token acts for; NULL for client_credentials.';
COMMENT ON COLUMN dba.tokens_by_state.username IS 'Their username.';
COMMENT ON COLUMN dba.tokens_by_state.client_id IS 'The app (client) the token was issued to.';
COMMENT ON COLUMN dba.tokens_by_state.app_name IS 'The app''s display name.';
COMMENT ON COLUMN dba.tokens_by_state.grant_id IS 'The grant (token family) it descends from.';
COMMENT ON COLUMN dba.tokens_by_state.scope IS 'Space-separated scopes of the token.';
COMMENT ON COLUMN dba.tokens_by_state.audience IS 'RFC 8707 resource the token is for.';
COMMENT ON COLUMN dba.tokens_by_state.issued_at IS 'When the token was issued.';
COMMENT ON COLUMN dba.tokens_by_state.expires_at IS 'When it expires (or expired).';
COMMENT ON COLUMN dba.tokens_by_state.revoked_at IS 'When it stopped working before expiry, if it did.';

CREATE VIEW dba.token_counts AS
SELECT kind, state, count(*) AS tokens
FROM dba.tokens_by_state
GROUP BY kind, state;
COMMENT ON VIEW dba.token_counts IS 'How many access and refresh tokens are active, expired (awaiting latchctl purge) and revoked.';
COMMENT ON COLUMN dba.token_counts.kind IS 'access or refresh.';
COMMENT ON COLUMN dba.token_counts.state IS 'active, expired or revoked.';
COMMENT ON COLUMN dba.token_counts.tokens IS 'Number of tokens.';

CREATE VIEW dba.outstanding_codes AS
SELECT a.id                AS code_id,
       a.user_id,
       u.username,
       a.client_id,
       c.name              AS app_name,
       a.redirect_uri,
       a.scope,
       a.resource,
       a.created_at        AS issued_at,
       a.expires_at
FROM authorization_codes a
JOIN users u ON u.id = a.user_id
JOIN clients c ON c.client_id = a.client_id
WHERE a.redeemed_at IS NULL
  AND a.expires_at > now();
COMMENT ON VIEW dba.outstanding_codes IS 'Authorization codes issued and not yet redeemed nor expired.';
COMMENT ON COLUMN dba.outstanding_codes.code_id IS 'Lookup id (not usable as a code).';
COMMENT ON COLUMN dba.outstanding_codes.user_id IS 'The user who consented.';
COMMENT ON COLUMN dba.outstanding_codes.username IS 'Their username.';
COMMENT ON COLUMN dba.outstanding_codes.client_id IS 'The app (client) the code was issued to.';
COMMENT ON COLUMN dba.outstanding_codes.app_name IS 'The app''s display name.';
COMMENT ON COLUMN dba.outstanding_codes.redirect_uri IS 'Where the code was sent.';
COMMENT ON COLUMN dba.outstanding_codes.scope IS 'Space-separated scopes consented to.';
COMMENT ON COLUMN dba.outstanding_codes.resource IS 'RFC 8707 resource requested, if any.';
COMMENT ON COLUMN dba.outstanding_codes.issued_at IS 'When the code was issued.';
COMMENT ON COLUMN dba.outstanding_codes.expires_at IS 'When it stops being redeemable.';

CREATE VIEW dba.audit_trail AS
SELECT e.id,
       e.occurred_at,
       e.event,
       e.actor,
       e.user_id,
       u.username,
       e.client_id,
       c.name              AS app_name,
       e.source_address,
       e.detail
FROM audit_events e
LEFT JOIN users u ON u.id = e.user_id
LEFT JOIN clients c ON c.client_id = e.client_id;
COMMENT ON VIEW dba.audit_trail IS 'The audit trail (audit_events) with user and app names joined in; latchctl audit shows the same.';
COMMENT ON COLUMN dba.audit_trail.id IS 'Event number, increasing.';
COMMENT ON COLUMN dba.audit_trail.occurred_at IS 'When it happened.';
COMMENT ON COLUMN dba.audit_trail.event IS 'What happened, e.g. signin.success, refresh.reuse_detected.';
COMMENT ON COLUMN dba.audit_trail.actor IS 'Who acted: a username, client:ID, admin-token:NAME or latchctl.';
COMMENT ON COLUMN dba.audit_trail.user_id IS 'The user concerned, if any.';
COMMENT ON COLUMN dba.audit_trail.username IS 'Their username, while the user exists.';
COMMENT ON COLUMN dba.audit_trail.client_id IS 'The app (client) concerned, if any.';
COMMENT ON COLUMN dba.audit_trail.app_name IS 'Its display name, while the app exists.';
COMMENT ON COLUMN dba.audit_trail.source_address IS 'Client address of the request.';
COMMENT ON COLUMN dba.audit_trail.detail IS 'Extra non-secret facts.';
