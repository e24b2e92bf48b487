-- latch schema: every piece of state the authorization server keeps.
-- Credentials are never stored: only a lookup id and SHA-256 of the secret part.

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    username        text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 200),
    password_hash   text,
    is_admin        boolean NOT NULL DEFAULT false,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE users IS 'People who sign in to latch.';
COMMENT ON COLUMN users.id IS 'Stable user id, reported as sub and X-Latch-User-Id.';
COMMENT ON COLUMN users.username IS 'Sign-in name, unique.';
COMMENT ON COLUMN users.password_hash IS 'PBKDF2-SHA256 hash (pbkdf2-sha256$iterations$salt$hash); NULL when the user signs in only through REMOTE_USER.';
COMMENT ON COLUMN users.is_admin IS 'Whether the user may use the admin console and management API.';
COMMENT ON COLUMN users.disabled_at IS 'When the account was disabled; a disabled user cannot sign in and their tokens stop working.';
COMMENT ON COLUMN users.created_at IS 'When the account was created.';

CREATE TABLE sessions (
    id              text PRIMARY KEY,
    secret_hash     bytea NOT NULL,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source_address  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
COMMENT ON TABLE sessions IS 'Browser sign-in sessions (cookie latch_session).';
COMMENT ON COLUMN sessions.id IS 'Public lookup id, the part of the cookie after the lss_ prefix.';
COMMENT ON COLUMN sessions.secret_hash IS 'SHA-256 of the secret part of the cookie; the cookie itself is never stored.';
COMMENT ON COLUMN sessions.user_id IS 'The signed-in user.';
COMMENT ON COLUMN sessions.source_address IS 'Client address at sign-in.';
COMMENT ON COLUMN sessions.created_at IS 'When the user signed in.';
COMMENT ON COLUMN sessions.expires_at IS 'When the session stops being accepted.';

CREATE TABLE scopes (
    name            text PRIMARY KEY CHECK (name ~ '^[!#-\[\]-~]+$'),
    description     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE scopes IS 'Scopes this deployment defines (latchctl scope add).';
COMMENT ON COLUMN scopes.name IS 'Scope token as sent on the wire (RFC 6749 section 3.3 characters).';
COMMENT ON COLUMN scopes.description IS 'What granting the scope means, shown on the consent page.';
COMMENT ON COLUMN scopes.created_at IS 'When the scope was defined.';

CREATE TABLE clients (
    client_id                   text PRIMARY KEY,
    name                        text NOT NULL,
    icon                        text,
    callback_url                text,
    redirect_uris               text[] NOT NULL DEFAULT '{}',
    scope                       text[] NOT NULL DEFAULT '{}',
    token_endpoint_auth_method  text NOT NULL DEFAULT 'client_secret_basic'
        CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
    grant_types                 text[] NOT NULL DEFAULT '{authorization_code,refresh_token}',
    response_types              text[] NOT NULL DEFAULT '{code}',
    origin                      text NOT NULL DEFAULT 'admin' CHECK (origin IN ('admin', 'dynamic')),
    metadata                    jsonb NOT NULL DEFAULT '{}',
    registration_token_id       text UNIQUE,
    registration_token_hash     bytea,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE clients IS 'OAuth clients (apps), created by admins or by dynamic registration.';
COMMENT ON COLUMN clients.client_id IS 'Public client identifier (also the app id in the management API).';
COMMENT ON COLUMN clients.name IS 'Display name shown on the consent page (client_name); free text, always HTML-escaped.';
COMMENT ON COLUMN clients.icon IS 'Icon URL shown on the consent page (logo_uri), or NULL.';
COMMENT ON COLUMN clients.callback_url IS 'Primary redirect URI given by an admin (management API callback_url).';
COMMENT ON COLUMN clients.redirect_uris IS 'Registered redirect URIs; authorize requests must match one exactly (loopback IP port may vary).';
COMMENT ON COLUMN clients.scope IS 'Scopes the client may request; empty means every defined scope.';
COMMENT ON COLUMN clients.token_endpoint_auth_method IS 'How the client authenticates at the token endpoint; none = public client.';
COMMENT ON COLUMN clients.grant_types IS 'Grant types the client may use.';
COMMENT ON COLUMN clients.response_types IS 'Response types the client may use (only code).';
COMMENT ON COLUMN clients.origin IS 'admin = created by an admin (accepts both secret methods); dynamic = RFC 7591 registration (held to its method).';
COMMENT ON COLUMN clients.metadata IS 'Other registered client metadata (client_uri, contacts, ...), as sent.';
COMMENT ON COLUMN clients.registration_token_id IS 'Lookup id of the RFC 7592 registration access token.';
COMMENT ON COLUMN clients.registration_token_hash IS 'SHA-256 of the registration access token secret.';
COMMENT ON COLUMN clients.created_at IS 'When the client was created (client_id_issued_at).';
COMMENT ON COLUMN clients.updated_at IS 'When the client was last changed.';

CREATE TABLE client_secrets (
    id              text PRIMARY KEY,
    client_id       text NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    secret_hash     bytea NOT NULL,
    display_prefix  text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz
);
CREATE INDEX client_secrets_client_idx ON client_secrets (client_id);
COMMENT ON TABLE client_secrets IS 'Client secrets; a client may hold several (rotation). Deleting a row revokes the secret.';
COMMENT ON COLUMN client_secrets.id IS 'Lookup id, the 16 hex characters after the lcs_ prefix.';
COMMENT ON COLUMN client_secrets.client_id IS 'The client the secret belongs to.';
COMMENT ON COLUMN client_secrets.secret_hash IS 'SHA-256 of the secret part; the secret is shown once and never stored.';
COMMENT ON COLUMN client_secrets.display_prefix IS 'Non-secret prefix shown in listings (client_secret_truncated).';
COMMENT ON COLUMN client_secrets.created_at IS 'When the secret was created.';
COMMENT ON COLUMN client_secrets.last_used_at IS 'When the secret last authenticated the client.';

CREATE TABLE grants (
    id              text PRIMARY KEY,
    client_id       text NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    user_id         bigint REFERENCES users(id) ON DELETE CASCADE,
    scope           text NOT NULL DEFAULT '',
    resource        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    revoked_reason  text
);
CREATE INDEX grants_user_client_idx ON grants (user_id, client_id);
CREATE INDEX grants_client_idx ON grants (client_id);
COMMENT ON TABLE grants IS 'One authorization (a token family): every token descended from one code or one client_credentials request. Revoking it revokes them all.';
COMMENT ON COLUMN grants.id IS 'Grant (family) id.';
COMMENT ON COLUMN grants.client_id IS 'The client the user authorized.';
COMMENT ON COLUMN grants.user_id IS 'The user who authorized; NULL for client_credentials.';
COMMENT ON COLUMN grants.scope IS 'Space-separated scopes granted.';
COMMENT ON COLUMN grants.resource IS 'RFC 8707 resource (token audience), if one was requested.';
COMMENT ON COLUMN grants.created_at IS 'When the grant was made (code redeemed).';
COMMENT ON COLUMN grants.last_used_at IS 'When a token of the grant was last issued.';
COMMENT ON COLUMN grants.revoked_at IS 'When the grant was revoked; every token of a revoked grant is refused.';
COMMENT ON COLUMN grants.revoked_reason IS 'Why: user, admin, refresh_token_reuse, code_replay, ...';

CREATE TABLE authorization_codes (
    id                  text PRIMARY KEY,
    secret_hash         bytea NOT NULL,
    client_id           text NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    user_id             bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri        text NOT NULL,
    redirect_uri_given  boolean NOT NULL,
    code_challenge      text NOT NULL,
    scope               text NOT NULL DEFAULT '',
    resource            text,
    state_hash          bytea,
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    redeemed_at         timestamptz,
    grant_id            text REFERENCES grants(id) ON DELETE CASCADE
);
CREATE INDEX authorization_codes_expires_idx ON authorization_codes (expires_at);
CREATE INDEX authorization_codes_user_client_idx ON authorization_codes (user_id, client_id);
CREATE INDEX authorization_codes_client_idx ON authorization_codes (client_id);
CREATE INDEX authorization_codes_grant_idx ON authorization_codes (grant_id);
COMMENT ON TABLE authorization_codes IS 'Authorization codes issued at consent; single use.';
COMMENT ON COLUMN authorization_codes.id IS 'Lookup id, the 16 hex characters after the lac_ prefix.';
COMMENT ON COLUMN authorization_codes.secret_hash IS 'SHA-256 of the code secret; the code itself is never stored.';
COMMENT ON COLUMN authorization_codes.client_id IS 'The client the code was issued to.';
COMMENT ON COLUMN authorization_codes.user_id IS 'The user who consented.';
COMMENT ON COLUMN authorization_codes.redirect_uri IS 'The exact redirect URI the code was sent to.';
COMMENT ON COLUMN authorization_codes.redirect_uri_given IS 'Whether the authorize request carried redirect_uri (then the token request must repeat it).';
COMMENT ON COLUMN authorization_codes.code_challenge IS 'PKCE S256 challenge (RFC 7636); the verifier must hash to it.';
COMMENT ON COLUMN authorization_codes.scope IS 'Space-separated scopes consented to.';
COMMENT ON COLUMN authorization_codes.resource IS 'RFC 8707 resource requested at authorize; the token request must carry the same.';
COMMENT ON COLUMN authorization_codes.state_hash IS 'SHA-256 of the state parameter, for audit; state itself is not kept.';
COMMENT ON COLUMN authorization_codes.created_at IS 'When the code was issued.';
COMMENT ON COLUMN authorization_codes.expires_at IS 'When the code stops being redeemable.';
COMMENT ON COLUMN authorization_codes.redeemed_at IS 'When the code was redeemed; a second redemption revokes the grant it produced.';
COMMENT ON COLUMN authorization_codes.grant_id IS 'The grant created when the code was redeemed.';

CREATE TABLE tokens (
    id                  text PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN ('access', 'refresh')),
    secret_hash         bytea NOT NULL,
    grant_id            text NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    client_id           text NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    user_id             bigint REFERENCES users(id) ON DELETE CASCADE,
    scope               text NOT NULL DEFAULT '',
    audience            text,
    refresh_token_id    text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz,
    revoked_at          timestamptz
);
CREATE INDEX tokens_grant_idx ON tokens (grant_id);
CREATE INDEX tokens_client_idx ON tokens (client_id);
CREATE INDEX tokens_user_idx ON tokens (user_id);
CREATE INDEX tokens_refresh_idx ON tokens (refresh_token_id) WHERE refresh_token_id IS NOT NULL;
CREATE INDEX tokens_expires_idx ON tokens (expires_at);
COMMENT ON TABLE tokens IS 'Access and refresh tokens. A token is valid when not expired, not revoked, and its grant is not revoked.';
COMMENT ON COLUMN tokens.id IS 'Lookup id, the 16 hex characters after the lat_/lrt_ prefix.';
COMMENT ON COLUMN tokens.kind IS 'access or refresh.';
COMMENT ON COLUMN tokens.secret_hash IS 'SHA-256 of the token secret; the token itself is never stored.';
COMMENT ON COLUMN tokens.grant_id IS 'The grant (family) the token descends from.';
COMMENT ON COLUMN tokens.client_id IS 'The client the token was issued to.';
COMMENT ON COLUMN tokens.user_id IS 'The user the token acts for; NULL for client_credentials.';
COMMENT ON COLUMN tokens.scope IS 'Space-separated scopes of this token.';
COMMENT ON COLUMN tokens.audience IS 'RFC 8707 resource the token is for (aud).';
COMMENT ON COLUMN tokens.refresh_token_id IS 'For an access token: the refresh token issued with it (revoking or rotating that refresh token revokes this access token).';
COMMENT ON COLUMN tokens.created_at IS 'When the token was issued (iat).';
COMMENT ON COLUMN tokens.expires_at IS 'When the token expires (exp).';
COMMENT ON COLUMN tokens.used_at IS 'For a refresh token: when it was rotated; presenting it again revokes the grant.';
COMMENT ON COLUMN tokens.revoked_at IS 'When the token was revoked.';

CREATE TABLE admin_tokens (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    secret_hash     bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
COMMENT ON TABLE admin_tokens IS 'Bearer tokens for the management API (latchctl admin-token create).';
COMMENT ON COLUMN admin_tokens.id IS 'Lookup id, the 16 hex characters after the lad_ prefix.';
COMMENT ON COLUMN admin_tokens.name IS 'What the token is for, chosen by the admin.';
COMMENT ON COLUMN admin_tokens.secret_hash IS 'SHA-256 of the token secret; the token is shown once and never stored.';
COMMENT ON COLUMN admin_tokens.created_at IS 'When the token was created.';
COMMENT ON COLUMN admin_tokens.last_used_at IS 'When the token was last used.';
COMMENT ON COLUMN admin_tokens.revoked_at IS 'When the token was revoked.';

CREATE TABLE rate_limits (
    bucket          text NOT NULL,
    window_start    timestamptz NOT NULL,
    hits            integer NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);
COMMENT ON TABLE rate_limits IS 'Fixed-window counters shared by every worker and host (registrations per address, failed sign-ins per account and address).';
COMMENT ON COLUMN rate_limits.bucket IS 'What is counted, e.g. register:127.0.0.1 or signin-user:alice.';
COMMENT ON COLUMN rate_limits.window_start IS 'Start of the one-minute window.';
COMMENT ON COLUMN rate_limits.hits IS 'Events counted in the window.';

CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    event           text NOT NULL,
    actor           text,
    user_id         bigint,
    client_id       text,
    source_address  text,
    detail          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, occurred_at);
CREATE INDEX audit_events_client_idx ON audit_events (client_id, occurred_at);
COMMENT ON TABLE audit_events IS 'Security-relevant acts (sign-in, consent, code and token events, client and secret changes). Never holds a credential.';
COMMENT ON COLUMN audit_events.id IS 'Event number, increasing.';
COMMENT ON COLUMN audit_events.occurred_at IS 'When it happened.';
COMMENT ON COLUMN audit_events.event IS 'What happened, e.g. signin.success, code.redeemed, refresh.reuse_detected.';
COMMENT ON COLUMN audit_events.actor IS 'Who acted: a username, client:ID, admin-token:NAME or latchctl.';
COMMENT ON COLUMN audit_events.user_id IS 'The user concerned, if any (not a foreign key: events outlive users).';
COMMENT ON COLUMN audit_events.client_id IS 'The client concerned, if any (not a foreign key: events outlive clients).';
COMMENT ON COLUMN audit_events.source_address IS 'Client address of the request.';
COMMENT ON COLUMN audit_events.detail IS 'Extra non-secret facts (scope, reason, ...).';
