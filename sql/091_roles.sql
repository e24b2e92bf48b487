-- Privileges of latch's database roles. Roles are cluster-wide, so a superuser creates
-- them once with deploy/roles.sql (which also creates the database, owned by
-- latch_owner); `latchctl migrate`, run as latch_owner, owns every table and view and
-- grants from here:
--   latch_owner     owns the schema; runs migrations (DDL). Nothing to grant.
--   latch_app       the FastCGI executables: SELECT, INSERT, UPDATE, DELETE on latch's tables,
--                   USAGE on their sequences; append-only on audit_events (INSERT, no
--                   SELECT/UPDATE/DELETE); nothing on schema_migrations or the dba schema;
--                   no DDL, no TRUNCATE (only an owner may DROP, ALTER or TRUNCATE).
--   latch_readonly  inspection: SELECT on the views of schema dba, nothing else.
-- Without those roles (a development database run as one user) this grants nothing.
-- Created the roles after migrating? Run `CALL latch_apply_grants();` as the owner.

CREATE PROCEDURE latch_apply_grants() LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        -- Only the roles latch grants to may see into the public schema.
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
        GRANT USAGE ON SCHEMA public TO latch_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO latch_app;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO latch_app;
        REVOKE ALL ON schema_migrations FROM latch_app;
        REVOKE SELECT, UPDATE, DELETE ON audit_events FROM latch_app;
        -- Tables later migrations create (as this same owner) get the same privileges.
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
COMMENT ON PROCEDURE latch_apply_grants() IS 'Grants latch_app and latch_readonly their privileges (see sql/091_roles.sql); run by latchctl migrate, and again by the owner if the roles are created later.';

CALL latch_apply_grants();
