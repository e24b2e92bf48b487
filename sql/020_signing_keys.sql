-- Signing keys for OpenID Connect ID tokens and JWT access tokens (README "OpenID Connect"):
-- the private key only as AES-256-GCM ciphertext under the key-encryption key of
-- LATCH_KEY_ENCRYPTION_KEY_FILE, which is never in the database, so a copy of every table
-- holds no usable private key (SECURITY.md "Keys at rest").
--
-- Timeline of one key: published (in /oauth2/jwks) from publish_at; signs from signs_from
-- (publish_at + LATCH_KEY_PUBLISH_DELAY, so relying parties have fetched it before they meet
-- it); retired at retired_at (when the next key of its algorithm starts signing); unpublished
-- at unpublish_at (retired_at + the longest lifetime of what it signs), then purged.
SET LOCAL lock_timeout = '5s';

CREATE TABLE signing_keys (
    kid                 text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{43}$'),
    alg                 text NOT NULL CHECK (alg IN ('RS256', 'ES256')),
    public_jwk          jsonb NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object' AND NOT public_jwk ? 'd'),
    private_key_sealed  bytea NOT NULL CHECK (length(private_key_sealed) > 28),
    created_at          timestamptz NOT NULL DEFAULT now(),
    publish_at          timestamptz NOT NULL,
    signs_from          timestamptz NOT NULL CHECK (signs_from >= publish_at),
    retired_at          timestamptz CHECK (retired_at >= signs_from),
    unpublish_at        timestamptz CHECK (unpublish_at >= retired_at),
    CHECK ((retired_at IS NULL) = (unpublish_at IS NULL))
);
COMMENT ON TABLE signing_keys IS 'JWS signing keys (ID tokens, JWT access tokens), one row per key; written by latchctl keys rotate / latchctl purge, read by the executables.';
COMMENT ON COLUMN signing_keys.kid IS 'Key id: the RFC 7638 thumbprint of the public key (base64url SHA-256); the kid header of every JWS it signs.';
COMMENT ON COLUMN signing_keys.alg IS 'The JWS algorithm the key signs with: RS256 (RSA 2048) or ES256 (P-256).';
COMMENT ON COLUMN signing_keys.public_jwk IS 'The public key as a JWK (kty, n, e or crv, x, y): what /oauth2/jwks publishes. Never a private member.';
COMMENT ON COLUMN signing_keys.private_key_sealed IS 'The private key (DER) sealed with AES-256-GCM under LATCH_KEY_ENCRYPTION_KEY_FILE, the kid as associated data: nonce (12 bytes) || ciphertext || tag (16 bytes). Useless without that file.';
COMMENT ON COLUMN signing_keys.created_at IS 'When the key was generated.';
COMMENT ON COLUMN signing_keys.publish_at IS 'From when /oauth2/jwks lists the key.';
COMMENT ON COLUMN signing_keys.signs_from IS 'From when the key signs (publish_at + LATCH_KEY_PUBLISH_DELAY; the first key of an algorithm at once). The current key of an algorithm is the one with the latest signs_from in the past.';
COMMENT ON COLUMN signing_keys.retired_at IS 'When the next key of the algorithm takes over signing (set by the rotation that made that key); NULL while no successor exists.';
COMMENT ON COLUMN signing_keys.unpublish_at IS 'When no token the key signed can still be live (retired_at + the longest ID token / JWT access token lifetime): /oauth2/jwks stops listing it, and latchctl purge deletes it.';
CREATE UNIQUE INDEX signing_keys_alg_signs_from_idx ON signing_keys (alg, signs_from);

-- latch_app (the executables and the purge timer): reads every key; the purge timer rotates
-- (INSERT a key, set its predecessor's retired_at and unpublish_at) and deletes unpublished
-- keys. It cannot change a key's material or move when a key starts signing: the column grants
-- below say so, and because latch_apply_grants() (sql/094) grants UPDATE on every table when it
-- runs after this file (a fresh database) or again later, a trigger says so too, whatever the
-- grants: only the table's owner (latchctl migrate's role) may change anything but
-- retired_at and unpublish_at.
CREATE FUNCTION signing_keys_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.kid, NEW.alg, NEW.public_jwk, NEW.private_key_sealed, NEW.created_at, NEW.publish_at, NEW.signs_from)
       IS DISTINCT FROM (OLD.kid, OLD.alg, OLD.public_jwk, OLD.private_key_sealed, OLD.created_at, OLD.publish_at, OLD.signs_from)
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION 'permission denied: only retired_at and unpublish_at of a signing key may change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION signing_keys_guard() IS 'Refuses, for any role but the owner, an UPDATE of signing_keys that changes a key''s material or its timeline before retirement (sql/020_signing_keys.sql).';
CREATE TRIGGER signing_keys_guard BEFORE UPDATE ON signing_keys FOR EACH ROW EXECUTE FUNCTION signing_keys_guard();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        REVOKE ALL ON signing_keys FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON signing_keys TO latch_app;
        GRANT UPDATE (retired_at, unpublish_at) ON signing_keys TO latch_app;
    END IF;
END
$$;
