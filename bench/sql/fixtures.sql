-- Data every benchmark path shares: the deployment's scopes, one user, one confidential
-- client that may use every grant, and its client secret; plus the filler client and
-- users that own the rows fill.sql pre-fills the token tables with.
-- psql variables: secret_id, secret_hash (hex of SHA-256 of the secret part), display_prefix.
\set ON_ERROR_STOP on

INSERT INTO scopes (name, description) VALUES
    ('bench:read', 'Read what the benchmark reads'),
    ('bench:write', 'Change what the benchmark changes'),
    ('profile', 'See your profile'),
    ('email', 'See your email address'),
    ('repo:read', 'Read your repositories'),
    ('repo:write', 'Push to your repositories'),
    ('admin:read', 'Read the organisation settings'),
    ('offline_access', 'Stay signed in')
ON CONFLICT (name) DO NOTHING;

INSERT INTO users (username) VALUES ('bench-user') ON CONFLICT (username) DO NOTHING;

-- An admin's app: origin admin, verified (client_credentials is for verified clients only).
INSERT INTO clients (client_id, name, callback_url, redirect_uris, scope, token_endpoint_auth_method, grant_types,
                     origin, verified)
VALUES ('bench-app', 'latch bench', 'http://127.0.0.1:9/callback', '{http://127.0.0.1:9/callback}',
        '{bench:read,bench:write}', 'client_secret_basic',
        '{authorization_code,refresh_token,client_credentials}', 'admin', true)
ON CONFLICT (client_id) DO UPDATE SET verified = true;

INSERT INTO client_secrets (id, client_id, secret_hash, display_prefix)
VALUES (:'secret_id', 'bench-app', decode(:'secret_hash', 'hex'), :'display_prefix')
ON CONFLICT (id) DO NOTHING;

-- Owners of the filler rows (fill.sql): one client, 1000 users.
INSERT INTO clients (client_id, name, redirect_uris, scope, origin, verified)
VALUES ('bench-filler', 'latch bench filler', '{http://127.0.0.1:9/filler}', '{bench:read}', 'admin', true)
ON CONFLICT (client_id) DO NOTHING;
INSERT INTO users (username)
SELECT 'bench-filler-' || i FROM generate_series(1, 1000) AS i
ON CONFLICT (username) DO NOTHING;
