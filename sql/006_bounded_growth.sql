-- Revision 2: bounded growth (CONTRACT "Tokens and secrets", "Dynamic client registration",
-- "latchctl", "Database").
SET LOCAL lock_timeout = '5s';

-- 1. A grant has an absolute end (LATCH_GRANT_MAX_LIFETIME, default 90 days): no token of it
--    outlives it, rotation never extends past it, and past it the grant is dead and purged.
--    A grant that can issue no further token (no refresh token: client_credentials, or an
--    app without refresh_token) ends with its access token, so the purge takes it then.
--    Existing grants get the default lifetime from when they were made. The column is added
--    without a default (no rewrite), then filled in; the default below is for rows written by
--    hand, latch always writes the value itself.
ALTER TABLE grants ADD COLUMN expires_at timestamptz;
UPDATE grants SET expires_at = created_at + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE grants ALTER COLUMN expires_at SET DEFAULT now() + interval '90 days',
                   ALTER COLUMN expires_at SET NOT NULL;
COMMENT ON COLUMN grants.expires_at IS 'When the grant ends (at most LATCH_GRANT_MAX_LIFETIME after it was made; with its only access token when it has no refresh token). No token of it is live past this, and latchctl purge deletes it.';
-- The purge finds dead grants through these: past their end, or revoked.
CREATE INDEX grants_expires_idx ON grants (expires_at);
CREATE INDEX grants_revoked_idx ON grants (revoked_at) WHERE revoked_at IS NOT NULL;

-- 2. Idle dynamic clients: when a client last obtained a token, written by the statement that
--    issues it at most once a day (so not one more write per token), for the purge of
--    unverified dynamic and metadata clients idle for LATCH_DYNAMIC_CLIENT_IDLE_DAYS.
ALTER TABLE clients ADD COLUMN last_token_at timestamptz;
COMMENT ON COLUMN clients.last_token_at IS 'When the client last obtained a token, to the day (updated at most once a day); NULL if never. latchctl purge removes unverified dynamic and metadata clients idle for LATCH_DYNAMIC_CLIENT_IDLE_DAYS (from this, or from created_at when NULL).';
CREATE INDEX clients_idle_idx ON clients ((coalesce(last_token_at, created_at))) WHERE origin <> 'admin' AND NOT verified;
