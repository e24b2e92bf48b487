-- What the code exchange writes, made lighter (as 002 did for every token request). Nothing
-- here changes what is stored.
SET LOCAL lock_timeout = '5s';

-- The nonce's bound (1 to 512 characters, OpenID Connect Core 3.1.2.1) is the authorization
-- endpoint's rule (AuthorizationRequest.maximumNonceLength, refused there with a clear error
-- before any code exists). As a CHECK on authorization_codes it was also compiled and evaluated
-- again by every redemption: PostgreSQL checks each CHECK constraint of a table on every UPDATE
-- of a row, and the redemption's UPDATE sets only redeemed_at and grant_id.
ALTER TABLE authorization_codes DROP CONSTRAINT authorization_codes_nonce_check;
COMMENT ON COLUMN authorization_codes.nonce IS 'The authorization request''s nonce (OpenID Connect Core 3.1.2.1, at most 512 characters: checked at the authorization endpoint), repeated in the ID token; NULL when it had none.';
