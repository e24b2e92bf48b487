"""Least privilege for latch_app (sql/094_least_privilege.sql): the executables' role may send
exactly the statements the executables send. Before, it could `UPDATE users SET is_admin`,
rewrite password hashes and insert admin tokens. Checked as latch_app over a real login, on a
database migrated by latch_owner; and the whole flow still works with the executables and the
purge connected as latch_app."""
import os
import subprocess

import pytest

from clienthelpers import create_user, make_session, register
from consolepages import csrf_of
from latchstack import BIN, PG_BIN, ROOT
from test_audit_events import Flow, least_privilege  # noqa: F401  (the stack whose executables are latch_app)
from test_operability import psql_as, url_for
from tokenfactory import TokenFactory, access_works, q, unique

APPS = "/api/v2/oauth2-provider/apps"


@pytest.fixture(scope="module")
def migrated(stack):
    """A database made by deploy/roles.sql and migrated by its owner, as in production."""
    db = unique("growth_roles").replace("-", "_")
    r = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port),
                        "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"dbname={db}",
                        "-f", os.path.join(ROOT, "deploy", "roles.sql")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    stack.latchctl("migrate", "--database-url", url_for(stack, db, "latch_owner"))
    ok, _, err = psql_as(stack, "latch_owner", db, """
        INSERT INTO users (username, password_hash, is_admin) VALUES ('root', 'pbkdf2-sha256$1$x$y', true);
        INSERT INTO admin_tokens (id, name, secret_hash) VALUES ('0123456789abcdef', 'ops', '\\x01');
        INSERT INTO scopes (name, description) VALUES ('files', 'Your files');""")
    assert ok, err
    yield db
    stack.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


FORBIDDEN = [
    "UPDATE users SET is_admin = true",
    "UPDATE users SET password_hash = 'pbkdf2-sha256$1$a$b'",
    "UPDATE users SET disabled_at = NULL",
    "UPDATE users SET username = 'root2'",
    "DELETE FROM users",
    "INSERT INTO users (username, is_admin) VALUES ('eve', true)",
    "INSERT INTO users (username, password_hash) VALUES ('eve', 'pbkdf2-sha256$1$a$b')",
    "INSERT INTO admin_tokens (id, name, secret_hash) VALUES ('fedcba9876543210', 'eve', '\\x02')",
    "UPDATE admin_tokens SET revoked_at = NULL",
    "UPDATE admin_tokens SET secret_hash = '\\x02'",
    "DELETE FROM admin_tokens",
    "DELETE FROM scopes",
    "UPDATE scopes SET name = 'other'",
    "UPDATE sessions SET user_id = 1",
]


@pytest.mark.parametrize("sql", FORBIDDEN)
def test_latch_app_cannot_write_what_only_admins_may(stack, migrated, sql):
    ok, _, err = psql_as(stack, "latch_app", migrated, sql)
    assert not ok and "permission denied" in err, (sql, err)


def test_latch_app_can_write_exactly_what_the_executables_write(stack, migrated):
    ok, out, err = psql_as(stack, "latch_app", migrated, """
        INSERT INTO users (username) VALUES ('remote-dana') RETURNING id, is_admin, password_hash IS NULL;""")
    assert ok, err
    assert out.split("\t")[1:] == ["f", "t\n"]
    for sql in ["SELECT id, username, password_hash, is_admin, disabled_at FROM users",
                "UPDATE admin_tokens SET last_used_at = now() WHERE id = '0123456789abcdef'",
                "INSERT INTO scopes (name, description, open) VALUES ('files', 'Files', true) "
                "ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, open = EXCLUDED.open",
                "INSERT INTO clients (client_id, name) VALUES ('app-lp', 'LP')",
                "INSERT INTO grants (id, client_id, scope) VALUES ('g-lp', 'app-lp', '')",
                "UPDATE grants SET revoked_at = now() WHERE id = 'g-lp'",
                "DELETE FROM grants WHERE id = 'g-lp'",
                "DELETE FROM clients WHERE client_id = 'app-lp'",
                "INSERT INTO rate_limits (bucket, window_start) VALUES ('x', now())",
                "DELETE FROM rate_limits"]:
        ok, _, err = psql_as(stack, "latch_app", migrated, sql)
        assert ok, (sql, err)
    # ...and the account made on the way names nothing but its username.
    ok, _, err = psql_as(stack, "latch_app", migrated, "INSERT INTO users (username, is_admin) VALUES ('remote-eve', false)")
    assert not ok and "permission denied" in err


def test_the_grants_survive_being_applied_again(stack, migrated):
    ok, _, err = psql_as(stack, "latch_owner", migrated, "CALL latch_apply_grants(); CALL latch_apply_grants();")
    assert ok, err
    ok, _, err = psql_as(stack, "latch_app", migrated, "UPDATE users SET is_admin = true")
    assert not ok and "permission denied" in err
    ok, _, err = psql_as(stack, "latch_app", migrated, "INSERT INTO users (username) VALUES ('again') RETURNING id")
    assert ok, err


def test_every_flow_works_with_the_executables_and_the_purge_as_latch_app(least_privilege):
    s = least_privilege
    f = TokenFactory(s)
    # Dynamic registration, and its token.
    r = register(s, {"redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    dynamic = r.json()["client_id"]
    user_id, _ = f.user()
    code = f.code(dynamic, user_id)
    r = s.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": code.value, "client_id": dynamic,
                                       "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                                       "redirect_uri": "https://app.example/cb"})
    assert r.status_code == 200, r.text
    assert access_works(s, r.json()["access_token"])
    assert s.scalar(f"SELECT last_token_at IS NOT NULL FROM clients WHERE client_id = {q(dynamic)}") == "t"
    # The management API with an admin token (which latchctl made; latch_app only reads it).
    token = s.latchctl("admin-token", "create", unique("lp")).stdout.strip()
    r = s.post(APPS, json={"name": unique("LP app"), "callback_url": "https://lp.example/cb"},
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    # The console's scope form.
    admin = create_user(s, admin=True)
    cookies, _ = make_session(s, admin["id"])
    page = s.get("/admin/scopes", cookies=cookies)
    assert page.status_code == 200, page.text
    name = unique("lp").replace("-", "_")
    r = s.post("/admin/scopes", data={"name": name, "description": "LP scope", "csrf_token": csrf_of(page.text)},
               cookies=cookies)
    assert r.status_code == 303, r.text
    assert s.scalar(f"SELECT description FROM scopes WHERE name = {q(name)}") == "LP scope"
    # Code, refresh, reuse, client_credentials, revocation (each also audited as latch_app).
    flow = Flow(s, f)
    code, verifier = flow.code()
    tokens = flow.exchange(code, verifier).json()
    assert flow.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code == 200
    # The purge, run by the timer with the executables' settings (latch_app).
    dead = f.tokens(f.app(), user_id)
    s.psql(f"UPDATE grants SET revoked_at = now() WHERE id = {q(dead.grant_id)}")
    env = dict(os.environ)
    env.update(s.env)
    env["LATCH_DATABASE_URL"] = s.database_url.replace("user=postgres", "user=latch_app")
    purged = subprocess.run([os.path.join(BIN, "latchctl"), "purge", "--json"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert purged.returncode == 0, purged.stderr
    assert s.scalar(f"SELECT count(*) FROM grants WHERE id = {q(dead.grant_id)}") == "0"
    # Nothing an admin owns moved: latch_app still cannot make itself one.
    ok, _, err = psql_as(s, "latch_app", "latch", f"UPDATE users SET is_admin = true WHERE id = {int(user_id)}")
    assert not ok and "permission denied" in err
