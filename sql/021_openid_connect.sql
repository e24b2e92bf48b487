-- OpenID Connect (README "OpenID Connect"): what an ID token needs, kept where the one-trip
-- statements of the code exchange and the refresh already read.
SET LOCAL lock_timeout = '5s';

-- The authorization request's nonce and the person's sign-in time, from the code to its ID token.
ALTER TABLE authorization_codes ADD COLUMN nonce text CHECK (length(nonce) <= 512),
                                ADD COLUMN auth_time timestamptz;
COMMENT ON COLUMN authorization_codes.nonce IS 'The authorization request''s nonce (OpenID Connect Core 3.1.2.1), repeated in the ID token; NULL when it had none.';
COMMENT ON COLUMN authorization_codes.auth_time IS 'When the person signed in (the session''s start): the auth_time claim of the ID token. NULL for codes stored before migration 021.';

-- A grant keeps the sign-in time, so that each refresh's new ID token repeats it.
ALTER TABLE grants ADD COLUMN auth_time timestamptz;
COMMENT ON COLUMN grants.auth_time IS 'When the person signed in for the authorization that made the grant: the auth_time of every ID token of the grant, refreshes included. NULL for client_credentials grants and grants made before migration 021.';

-- Users may have an email (latchctl user create NAME --email E), for the email scope's claims.
ALTER TABLE users ADD COLUMN email text CHECK (length(email) BETWEEN 3 AND 320 AND email LIKE '%_@_%'),
                  ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN users.email IS 'The person''s email address, set by an admin (latchctl user create --email); the email claim of ID tokens and userinfo when the email scope is granted. NULL: none.';
COMMENT ON COLUMN users.email_verified IS 'Whether the admin who set email vouched that it is the person''s (latchctl user create --email-verified): the email_verified claim.';

-- A client's id_token_signed_response_alg (OpenID Connect Registration 1.0 §2) is kept with the
-- rest of its registered metadata (clients.metadata), checked at registration to be RS256 or ES256.
COMMENT ON COLUMN clients.metadata IS 'Other registered metadata (RFC 7591, OpenID Connect Registration: e.g. id_token_signed_response_alg), as accepted at registration.';
