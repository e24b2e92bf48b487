-- Least privilege for latch_app (the FastCGI executables and the purge timer): on latch's
-- own tables, exactly the statements the executables send (grep the SQL of Sources/LatchCore),
-- down to the column where a table holds something only an admin may change:
--   users           SELECT; INSERT (username) only — an account made on first REMOTE_USER
--                   sign-in, never an admin and without a password. No UPDATE, no DELETE:
--                   is_admin, password_hash and disabled_at are latchctl's (latch_owner).
--   admin_tokens    SELECT; UPDATE (last_used_at) when one authenticates. No INSERT (no new
--                   admin tokens), no revoking or un-revoking, no DELETE.
--   scopes          SELECT; INSERT (name, description, open) and UPDATE (description, open)
--                   from the console's scope form. No DELETE, no renaming.
--   sessions        SELECT, INSERT, DELETE (sign-in, sign-out, purge); sessions never change.
--   audit_events    INSERT only (append-only, as before).
--   clients, client_secrets, grants, tokens, authorization_codes, rate_limits:
--                   SELECT, INSERT, UPDATE, DELETE (registration, the management API, the
--                   token paths, the purge).
--   schema_migrations, the dba schema: nothing.
-- Tables not named here (added by other migrations) keep the default: SELECT, INSERT, UPDATE,
-- DELETE; a migration that adds a table an executable only reads narrows it here.
-- latch_readonly is unchanged: SELECT on the views of schema dba.

SET LOCAL lock_timeout = '5s';

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
COMMENT ON PROCEDURE latch_apply_grants() IS 'Grants latch_app and latch_readonly their privileges (sql/091_roles.sql, narrowed to columns by sql/094_least_privilege.sql); run by latchctl migrate, and again by the owner if the roles are created later.';

CALL latch_apply_grants();
