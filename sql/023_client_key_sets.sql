-- private_key_jwt with a jwks_uri (RFC 7523 §2.2, RFC 7591 §2; README "OpenID Connect"): the
-- JWK Set at a client's jwks_uri, fetched with the SSRF-safe fetcher of client metadata
-- documents and cached within the same bounds (LATCH_CLIENT_METADATA_MIN_CACHE/_MAX_CACHE).
-- Failures are never cached. One row per URL (replaced on each fetch), so the table grows
-- only with the number of distinct jwks_uris clients registered.
SET LOCAL lock_timeout = '5s';

CREATE TABLE client_key_sets (
    url         text PRIMARY KEY CHECK (length(url) BETWEEN 9 AND 200),
    jwks        jsonb NOT NULL,
    fetched_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX client_key_sets_expires_idx ON client_key_sets (expires_at);
COMMENT ON TABLE client_key_sets IS 'The JWK Set (public keys only) fetched from a private_key_jwt client''s jwks_uri, cached until expires_at; a failed fetch stores nothing.';
COMMENT ON COLUMN client_key_sets.url IS 'The jwks_uri, exactly as the client registered it.';
COMMENT ON COLUMN client_key_sets.jwks IS 'The public keys of the set that latch accepts (RS256/ES256 JWKs, no private members), as JSON {"keys": [...]}.';
COMMENT ON COLUMN client_key_sets.fetched_at IS 'When the set was fetched; an assertion naming an unknown kid fetches again at most once a minute.';
COMMENT ON COLUMN client_key_sets.expires_at IS 'Until when the set is used without fetching it again (its Cache-Control max-age, within the metadata cache bounds).';

-- latch_app fetches and replaces sets (DELETE for a later purge of expired ones).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        REVOKE ALL ON client_key_sets FROM latch_app;
        GRANT SELECT, INSERT, UPDATE (jwks, fetched_at, expires_at), DELETE ON client_key_sets TO latch_app;
    END IF;
END
$$;
