-- Least privilege for the OpenID Connect tables (README "For DBAs"; SECURITY.md "Threats:
-- OpenID Connect and signing keys"). latch_apply_grants() of 094 runs after 020, 022 and 023
-- on a fresh database and granted latch_app every right on their tables; this redefines it so
-- that it knows them, and runs it:
--   signing_keys           SELECT, INSERT, DELETE; UPDATE (retired_at, unpublish_at) only.
--   client_assertion_jtis  SELECT, INSERT, DELETE (a used jti is never rewritten).
--   client_key_sets        SELECT, INSERT, DELETE; UPDATE (jwks, fetched_at, expires_at).
-- And a trigger: latch_app may delete a signing key only once it is unpublished (its
-- unpublish_at passed, as the purge does); a key still published or signing stays, whatever
-- the grants say. The owner (latchctl migrate's role) is not limited.

SET LOCAL lock_timeout = '5s';

CREATE FUNCTION signing_keys_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.unpublish_at IS NULL OR OLD.unpublish_at > now())
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION 'permission denied: a signing key may be deleted only after its unpublish_at'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION signing_keys_delete_guard() IS 'Refuses, for any role but the owner, to delete a signing key before its unpublish_at (sql/096_key_grants.sql): no relying party may meet an unknown kid, and no live token may lose its key.';
CREATE TRIGGER signing_keys_delete_guard BEFORE DELETE ON signing_keys FOR EACH ROW EXECUTE FUNCTION signing_keys_delete_guard();

CREATE OR REPLACE PROCEDURE latch_apply_grants() LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        -- Only the roles latch grants to may see into the public schema.
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
        GRANT USAGE ON SCHEMA public TO latch_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO latch_app;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO latch_app;
        REVOKE ALL ON schema_migrations FROM latch_app;
        REVOKE SELECT, UPDATE, DELETE ON audit_events FROM latch_app;
        -- Revoking a table's privileges also revokes its column privileges, so each block
        -- below states the whole of them, however often this runs.
        REVOKE ALL ON users FROM latch_app;
        GRANT SELECT ON users TO latch_app;
        GRANT INSERT (username) ON users TO latch_app;
        REVOKE ALL ON admin_tokens FROM latch_app;
        GRANT SELECT ON admin_tokens TO latch_app;
        GRANT UPDATE (last_used_at) ON admin_tokens TO latch_app;
        REVOKE ALL ON scopes FROM latch_app;
        GRANT SELECT ON scopes TO latch_app;
        GRANT INSERT (name, description, open), UPDATE (description, open) ON scopes TO latch_app;
        REVOKE ALL ON sessions FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON sessions TO latch_app;
        -- The sign-in throttle's key (migration 005): read, never replaced by the app.
        REVOKE ALL ON signin_key FROM latch_app;
        GRANT SELECT ON signin_key TO latch_app;
        -- Signing keys (migrations 020 and 096): read, new ones inserted, only retired_at and
        -- unpublish_at changed, unpublished ones deleted by the purge (a trigger refuses the
        -- rest, whatever these grants say).
        REVOKE ALL ON signing_keys FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON signing_keys TO latch_app;
        GRANT UPDATE (retired_at, unpublish_at) ON signing_keys TO latch_app;
        -- private_key_jwt (migrations 022, 023): a jti is recorded, never rewritten; key sets
        -- fetched from a jwks_uri are replaced whole.
        REVOKE ALL ON client_assertion_jtis FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON client_assertion_jtis TO latch_app;
        REVOKE ALL ON client_key_sets FROM latch_app;
        GRANT SELECT, INSERT, DELETE ON client_key_sets TO latch_app;
        GRANT UPDATE (jwks, fetched_at, expires_at) ON client_key_sets TO latch_app;
        -- Tables later migrations create (as this same owner) get the default privileges.
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO latch_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO latch_app;
        REVOKE ALL ON SCHEMA dba FROM latch_app;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_readonly') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM latch_readonly;
        GRANT USAGE ON SCHEMA dba TO latch_readonly;
        GRANT SELECT ON ALL TABLES IN SCHEMA dba TO latch_readonly;
        ALTER DEFAULT PRIVILEGES IN SCHEMA dba GRANT SELECT ON TABLES TO latch_readonly;
    END IF;
END
$$;
REVOKE ALL ON PROCEDURE latch_apply_grants() FROM PUBLIC;
COMMENT ON PROCEDURE latch_apply_grants() IS 'Grants latch_app and latch_readonly their privileges (sql/091_roles.sql, narrowed to columns by sql/094_least_privilege.sql and sql/096_key_grants.sql); run by latchctl migrate, and again by the owner if the roles are created later.';

CALL latch_apply_grants();
