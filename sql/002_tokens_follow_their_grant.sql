-- A token's client and user are its grant's: latch writes them from the grant's row (or with
-- the grant, in the same statement), and a token goes when its grant goes
-- (tokens.grant_id ... ON DELETE CASCADE), which goes when its client or user goes
-- (grants.client_id, grants.user_id ... ON DELETE CASCADE). So tokens need no foreign keys
-- of their own to clients and users. Each was one more parent-row check in every statement
-- that issues a token: a KEY SHARE lock, with its WAL record, on the one client row that
-- every concurrent token request of that client locks too.
ALTER TABLE tokens DROP CONSTRAINT tokens_client_id_fkey, DROP CONSTRAINT tokens_user_id_fkey;
COMMENT ON COLUMN tokens.client_id IS 'The client the token was issued to (its grant''s client; deleting the client deletes the grant, and the token with it).';
COMMENT ON COLUMN tokens.user_id IS 'The user the token acts for (its grant''s user); NULL for client_credentials.';
