-- A token goes when its grant goes, without a foreign-key check in every statement that issues
-- a token (as 002 did for the token's client and user). Nothing here changes what is stored.
SET LOCAL lock_timeout = '5s';

-- Every token is written by latch from its grant, in the statement that either creates that
-- grant (code exchange, client_credentials) or holds its row locked (the refresh updates the
-- grant's last_used_at, so a concurrent deletion of the grant waits for it, then sees the new
-- tokens). The foreign key tokens.grant_id -> grants.id therefore only ever confirmed what the
-- statement had just done, at the price of one parent-row check (a KEY SHARE lock, with its WAL
-- record) per token issued: two per code exchange and per refresh. Its other half, deleting a
-- grant's tokens with the grant, is this statement-level trigger, one DELETE per statement that
-- deletes grants (revocations keep rows; the purge, and a client's or user's deletion through
-- grants' own ON DELETE CASCADE, delete them).
ALTER TABLE tokens DROP CONSTRAINT tokens_grant_id_fkey;

CREATE FUNCTION tokens_of_deleted_grants() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
    DELETE FROM tokens t USING deleted_grants g WHERE t.grant_id = g.id;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION tokens_of_deleted_grants() IS 'Deletes the tokens of the grants a statement deleted (what tokens.grant_id ON DELETE CASCADE did until migration 025).';

CREATE TRIGGER tokens_of_deleted_grants AFTER DELETE ON grants
REFERENCING OLD TABLE AS deleted_grants
FOR EACH STATEMENT EXECUTE FUNCTION tokens_of_deleted_grants();

COMMENT ON COLUMN tokens.grant_id IS 'The grant (family) the token descends from; deleting the grant deletes the token (trigger tokens_of_deleted_grants).';
