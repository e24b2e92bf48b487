-- Revision 2: sign-in throttling (CONTRACT "Sign-in", NIST SP 800-63B §5.2.2). Replaces the
-- one-minute fixed window per account: consecutive failures for one account now count
-- across minutes and slow it down exponentially (at most 100 before a 24-hour wait or an
-- admin's `latchctl user unlock`), and the address the owner last signed in from has its own
-- count, so that a burst from elsewhere never locks the owner out of it. Failures per source
-- address (IPv6: its /64) stay one-minute windows in rate_limits.

-- 1. The key of the keyed hash that names an account in throttle rows: people type
--    passwords into the username field, and an unsalted SHA-256 of a name is a dictionary
--    lookup away. 256 bits from PostgreSQL's CSPRNG (gen_random_uuid() draws on
--    pg_strong_random: 122 random bits each, two of them hashed together).
CREATE TABLE signin_key (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    key     bytea NOT NULL CHECK (length(key) = 32)
);
COMMENT ON TABLE signin_key IS 'One row: the per-deployment HMAC-SHA256 key for usernames in signin_throttle and rate_limits.';
COMMENT ON COLUMN signin_key.id IS 'Always true: the table holds one row.';
COMMENT ON COLUMN signin_key.key IS '32 random bytes (CSPRNG), created by this migration; never leaves the database except to the executables.';
INSERT INTO signin_key (key)
VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- 2. One row per typed username that failed or succeeded.
CREATE TABLE signin_throttle (
    account_key         bytea PRIMARY KEY,
    failures            integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    wait_until          timestamptz NOT NULL DEFAULT '-infinity',
    owner_address       text,
    owner_failures      integer NOT NULL DEFAULT 0 CHECK (owner_failures >= 0),
    owner_wait_until    timestamptz NOT NULL DEFAULT '-infinity',
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_throttle_updated_idx ON signin_throttle (updated_at);
COMMENT ON TABLE signin_throttle IS 'Consecutive sign-in failures per account (NIST SP 800-63B 5.2.2): exponential waits across minutes, the owner''s last address counted apart.';
COMMENT ON COLUMN signin_throttle.account_key IS 'HMAC-SHA256 under signin_key.key of the username as typed (never the name itself).';
COMMENT ON COLUMN signin_throttle.failures IS 'Consecutive failures from addresses other than owner_address since the last successful sign-in (an attempt counts as a failure until it succeeds).';
COMMENT ON COLUMN signin_throttle.wait_until IS 'No attempt from other addresses is tried before this: the first 4 failures are free, the 5th makes the account wait 1 s, then 2 s, 4 s … up to 1 hour; from the 100th on, 24 hours.';
COMMENT ON COLUMN signin_throttle.owner_address IS 'Where the owner last signed in: the IPv4 address, or the /64 of an IPv6 one.';
COMMENT ON COLUMN signin_throttle.owner_failures IS 'Consecutive failures from owner_address, counted apart so that failures from elsewhere never lock the owner out there.';
COMMENT ON COLUMN signin_throttle.owner_wait_until IS 'Like wait_until, for attempts from owner_address.';
COMMENT ON COLUMN signin_throttle.updated_at IS 'Last attempt; rows idle for 30 days and not waiting can be purged.';

-- 3. How long an account waits after its n-th consecutive failure (seconds).
CREATE FUNCTION latch_signin_delay(n integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN n >= 100 THEN 86400
            WHEN n < 5 THEN 0
            ELSE least(3600, power(2, n - 5))::integer END;
COMMENT ON FUNCTION latch_signin_delay(integer) IS 'Seconds an account waits after n consecutive failures: none for the first 4, then 1, 2, 4 … capped at 3600; 24 hours from 100 on (NIST SP 800-63B 5.2.2: at most 100).';
