-- Client ID Metadata Documents (README "Client ID Metadata Documents";
-- draft-ietf-oauth-client-id-metadata-document). A metadata client is a clients row with
-- origin 'metadata' whose client_id is the document's URL; these columns are its cache.
-- latch_app already has SELECT, INSERT, UPDATE, DELETE on clients (094_least_privilege.sql):
-- the fetch that fills the cache runs in the executables.
SET LOCAL lock_timeout = '5s';

ALTER TABLE clients ADD COLUMN metadata_fetched_at timestamptz;
ALTER TABLE clients ADD COLUMN metadata_expires_at timestamptz;
ALTER TABLE clients ADD COLUMN consent_binding text;
ALTER TABLE clients ADD COLUMN consent_since timestamptz;
COMMENT ON COLUMN clients.metadata_fetched_at IS 'metadata clients: when the document was last fetched and found valid; NULL for other clients.';
COMMENT ON COLUMN clients.metadata_expires_at IS 'metadata clients: until when the cached document is used without a fetch (its Cache-Control max-age within LATCH_CLIENT_METADATA_MIN_CACHE and _MAX_CACHE); past it, the next authorize or token request fetches it again. NULL for other clients.';
COMMENT ON COLUMN clients.consent_binding IS 'metadata clients: SHA-256 (hex) of the document''s redirect_uris and keys (jwks, jwks_uri); a re-fetched document that changes it ends remembered consent (consent_since).';
COMMENT ON COLUMN clients.consent_since IS 'Remembered consent counts only grants made at or after this time (set when a metadata document changed its redirect_uris or keys); NULL: every live grant counts.';

-- A document may name private_key_jwt (with jwks or jwks_uri); latch stores it and refuses
-- that method at the token endpoint until it verifies client assertions. Added NOT VALID,
-- then validated, so that the check does not hold the table's strongest lock while it scans.
ALTER TABLE clients DROP CONSTRAINT clients_token_endpoint_auth_method_check;
ALTER TABLE clients ADD CONSTRAINT clients_token_endpoint_auth_method_check
    CHECK (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt')) NOT VALID;
ALTER TABLE clients VALIDATE CONSTRAINT clients_token_endpoint_auth_method_check;
