-- What every token request writes, made lighter. Nothing here changes what is stored.
--
-- 1. A token's client and user are its grant's: latch writes them from the grant's row (or
--    with the grant, in the same statement), and a token goes when its grant goes
--    (tokens.grant_id ... ON DELETE CASCADE), which goes when its client or user goes
--    (grants.client_id, grants.user_id ... ON DELETE CASCADE). So tokens need no foreign
--    keys of their own to clients and users. Each was one more parent-row check in every
--    statement that issues a token: a KEY SHARE lock, with its WAL record, on the one client
--    row that every concurrent token request of that client locks too.
ALTER TABLE tokens DROP CONSTRAINT tokens_client_id_fkey, DROP CONSTRAINT tokens_user_id_fkey;
COMMENT ON COLUMN tokens.client_id IS 'The client the token was issued to (its grant''s client; deleting the client deletes the grant, and the token with it).';
COMMENT ON COLUMN tokens.user_id IS 'The user the token acts for (its grant''s user); NULL for client_credentials.';

-- 2. A code's grant_id is set once, when the code is redeemed. Grants are deleted only with
--    their client or user, and a code goes with its client or user too, so the foreign key
--    (and the index its cascade needed) did nothing but cost every redemption a parent-row
--    check and, as an indexed column, made the redemption's UPDATE write a new entry into
--    each of the table's indexes.
ALTER TABLE authorization_codes DROP CONSTRAINT authorization_codes_grant_id_fkey;
DROP INDEX authorization_codes_grant_idx;
COMMENT ON COLUMN authorization_codes.grant_id IS 'The grant created when the code was redeemed (a replay revokes it).';

-- 3. Room on each page for the updates every row gets (a code redeemed once; a refresh token
--    used once; an access token revoked at rotation; a grant touched at each refresh): an
--    UPDATE of columns no index covers then stays on its page (a HOT update) and writes no
--    index entry at all, instead of one in each of the table's indexes. New pages only;
--    existing rows keep their pages until rewritten.
ALTER TABLE authorization_codes SET (fillfactor = 70);
ALTER TABLE tokens SET (fillfactor = 80);
ALTER TABLE grants SET (fillfactor = 80);

-- 4. Tokens are found by id (every check), by grant (rotation, revocation), by the refresh
--    token they came with, and by expiry (purge); by client or user only through their grant
--    (grants_client_idx, grants_user_client_idx, then tokens_grant_idx). So two indexes fewer
--    to write for every token issued.
DROP INDEX tokens_client_idx;
DROP INDEX tokens_user_idx;
