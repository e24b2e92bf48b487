-- private_key_jwt client authentication (RFC 7523 §2.2; README "OpenID Connect"): each
-- assertion's jti is accepted once, so it is kept until the assertion expires; latchctl purge
-- deletes it then.
SET LOCAL lock_timeout = '5s';

-- A client may register private_key_jwt (its keys in clients.metadata: jwks or jwks_uri);
-- migration 010 already widened the column's CHECK constraint to allow it.
COMMENT ON COLUMN clients.token_endpoint_auth_method IS 'How the client authenticates at the token endpoint; none = public client; private_key_jwt = a JWT signed with a key of its registered jwks (RFC 7523).';

CREATE TABLE client_assertion_jtis (
    client_id   text NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    jti         text NOT NULL CHECK (length(jti) BETWEEN 1 AND 200),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expires_idx ON client_assertion_jtis (expires_at);
COMMENT ON TABLE client_assertion_jtis IS 'The jti of every private_key_jwt client assertion accepted, until it expires: a second use of one is refused (RFC 7523 section 3).';
COMMENT ON COLUMN client_assertion_jtis.client_id IS 'The client the assertion authenticated.';
COMMENT ON COLUMN client_assertion_jtis.jti IS 'The assertion''s jti, as sent (an identifier the client chose, not a secret).';
COMMENT ON COLUMN client_assertion_jtis.expires_at IS 'The assertion''s exp: after it the assertion is refused anyway, and latchctl purge deletes the row.';

-- latch_app inserts (token endpoint) and deletes (purge); it never rewrites one.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        REVOKE ALL ON client_assertion_jtis FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON client_assertion_jtis TO latch_app;
    END IF;
END
$$;
