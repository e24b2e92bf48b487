-- latch's database roles and database. Roles are cluster-wide, so they are created here,
-- once per cluster, by a superuser; everything inside the database is then done by
-- `latchctl migrate` running as latch_owner (sql/091_roles.sql grants the privileges).
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 [-v dbname=latch] -f deploy/roles.sql
--   sudo -u postgres psql -c '\password latch_owner'     # and latch_app, latch_readonly
--   LATCH_DATABASE_URL='host=/run/postgresql dbname=latch user=latch_owner' latchctl migrate
--
-- Safe to run again: existing roles and the database are left as they are.

\if :{?dbname}
\else
\set dbname latch
\endif

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_owner') THEN
        CREATE ROLE latch_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_app') THEN
        CREATE ROLE latch_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'latch_readonly') THEN
        CREATE ROLE latch_readonly LOGIN;
    END IF;
END
$$;
COMMENT ON ROLE latch_owner IS 'Owns the latch database and every table and view in it; runs latchctl migrate (DDL) and latchctl.';
COMMENT ON ROLE latch_app IS 'The latch FastCGI executables: row reads and writes on latch tables, append-only audit, no DDL, no TRUNCATE.';
COMMENT ON ROLE latch_readonly IS 'Inspection: SELECT on the views of schema dba only.';

SELECT format('CREATE DATABASE %I OWNER latch_owner', :'dbname')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'dbname')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO latch_app, latch_readonly', :'dbname') \gexec
