"""latchctl, the admin CLI: every command with --json parsed, exit codes, --help, purge."""
import json

import pytest

from clienthelpers import bearer, create_user, make_access_token, me_status, unique

COMMANDS = [
    [], ["migrate"],
    ["user"], ["user", "create"], ["user", "list"], ["user", "disable"],
    ["admin-token"], ["admin-token", "create"], ["admin-token", "list"], ["admin-token", "revoke"],
    ["scope"], ["scope", "add"], ["scope", "list"],
    ["app"], ["app", "create"], ["app", "list"], ["app", "show"], ["app", "delete"],
    ["app", "secret"], ["app", "secret", "create"], ["app", "secret", "list"], ["app", "secret", "delete"],
    ["tokens"], ["tokens", "list"], ["tokens", "revoke"],
    ["purge"],
]
GROUPS = [["user"], ["admin-token"], ["scope"], ["app"], ["app", "secret"], ["tokens"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "latchctl" for c in COMMANDS])
def test_every_command_has_help(stack, command):
    r = stack.latchctl(*command, "--help")
    assert r.returncode == 0
    assert "USAGE: latchctl" in r.stdout
    if command and command not in GROUPS:
        assert "--json" in r.stdout


def test_users(stack):
    name = unique("alice")
    created = stack.latchctl_json("user", "create", name, "--admin", "--password-stdin", input="s3cret-password\n")
    assert created["username"] == name and created["admin"] is True and created["disabled"] is False
    assert isinstance(created["id"], int)
    listed = stack.latchctl_json("user", "list")
    assert {"id": created["id"], "username": name, "admin": True, "disabled": False} == \
        {k: v for k, v in next(u for u in listed if u["username"] == name).items() if k != "created_at"}
    table = stack.latchctl("user", "list").stdout
    assert table.splitlines()[0].split() == ["ID", "USERNAME", "ADMIN", "DISABLED", "CREATED"]
    assert name in table

    app = stack.latchctl("app", "create", "--name", unique("u"), "--callback-url", "https://u.example.com/cb").stdout.strip()
    token, _ = make_access_token(stack, app, created["id"])
    assert me_status(stack, token) == 200
    disabled = stack.latchctl_json("user", "disable", name)
    assert disabled["disabled"] is True
    assert me_status(stack, token) == 401

    assert stack.latchctl("user", "disable", unique("ghost"), check=False).returncode == 1
    again = stack.latchctl("user", "create", name, "--password-stdin", input="another-password\n", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert stack.latchctl("user", "create", name + "2", input="x\n", check=False).returncode == 64  # no --password-stdin
    assert stack.latchctl("user", "create", unique("short"), "--password-stdin", input="short\n", check=False).returncode == 64


def test_admin_tokens(stack):
    name = unique("deploy-bot")
    created = stack.latchctl_json("admin-token", "create", name)
    assert created["token"].startswith("lad_" + created["id"] + "_")
    assert created["name"] == name and created["revoked_at"] is None
    # The plain form prints the token alone, once.
    plain = stack.latchctl("admin-token", "create", unique("plain")).stdout.strip()
    assert plain.startswith("lad_") and len(plain.splitlines()) == 1
    # Listings never show the token.
    listed = stack.latchctl_json("admin-token", "list")
    mine = next(t for t in listed if t["id"] == created["id"])
    assert "token" not in mine and created["token"] not in json.dumps(listed)
    assert mine["token_truncated"] == "lad_" + created["id"] + "_…"
    assert created["token"] not in stack.latchctl("admin-token", "list").stdout
    assert stack.scalar(f"SELECT count(*) FROM admin_tokens WHERE secret_hash::text LIKE '%{created['token'][21:]}%'") == "0"

    assert stack.get("/api/v2/oauth2-provider/apps", headers=bearer(created["token"])).status_code == 200
    revoked = stack.latchctl_json("admin-token", "revoke", created["id"])
    assert revoked == {"id": created["id"], "revoked": True}
    assert stack.get("/api/v2/oauth2-provider/apps", headers=bearer(created["token"])).status_code == 401
    assert next(t for t in stack.latchctl_json("admin-token", "list") if t["id"] == created["id"])["revoked_at"]
    assert stack.latchctl("admin-token", "revoke", "ffffffffffffffff", check=False).returncode == 1


def test_scopes(stack):
    name = unique("files") + ":read"
    # Revision 2: every scope says whether it is open (latchctl scope add --open).
    assert stack.latchctl_json("scope", "add", name, "--description", "Read your files") == {
        "name": name, "description": "Read your files", "open": False}
    assert {"name": name, "description": "Read your files", "open": False} in stack.latchctl_json("scope", "list")
    stack.latchctl("scope", "add", name, "--description", "Read files", "--open")
    assert {"name": name, "description": "Read files", "open": True} in stack.latchctl_json("scope", "list")
    assert name in stack.latchctl("scope", "list").stdout
    assert stack.latchctl("scope", "add", "bad scope", "--description", "x", check=False).returncode == 64


def test_apps_and_secrets(stack):
    scope = unique("cli") + ":read"
    stack.latchctl("scope", "add", scope, "--description", "d")
    name = unique("ci")
    client_id = stack.latchctl("app", "create", "--name", name, "--callback-url", "https://ci.example.com/cb",
                               "--callback-url", "http://127.0.0.1/cb", "--scope", scope).stdout.strip()
    assert client_id.startswith("app_") and len(client_id.splitlines()) == 1
    created = stack.latchctl_json("app", "create", "--name", name + "-j", "--callback-url", "https://ci.example.com/cb",
                                  "--client-credentials")
    assert list(created) == ["id", "name", "callback_url", "redirect_uris", "icon", "scope", "grant_types",
                             "token_endpoint_auth_method", "origin", "verified", "created_at"]

    listed = stack.latchctl_json("app", "list")
    mine = next(a for a in listed if a["id"] == client_id)
    assert mine["redirect_uris"] == ["https://ci.example.com/cb", "http://127.0.0.1/cb"] and mine["scope"] == scope
    # The CLI and the management API share one app shape.
    token = stack.latchctl("admin-token", "create", unique("t")).stdout.strip()
    assert stack.get(f"/api/v2/oauth2-provider/apps/{client_id}", headers=bearer(token)).json() == mine

    shown = stack.latchctl_json("app", "show", created["id"])
    assert shown["grant_types"] == ["authorization_code", "refresh_token", "client_credentials"]
    assert shown["origin"] == "admin" and shown["secrets"] == []

    secret = stack.latchctl("app", "secret", "create", created["id"]).stdout.strip()
    assert secret.startswith("lcs_")
    second = stack.latchctl_json("app", "secret", "create", created["id"])
    assert second["client_id"] == created["id"] and second["client_secret"].startswith("lcs_" + second["id"])
    secrets = stack.latchctl_json("app", "secret", "list", created["id"])
    assert [s["id"] for s in secrets] == [secret[4:20], second["id"]]
    assert secret not in json.dumps(secrets)
    assert stack.latchctl_json("app", "secret", "delete", created["id"], second["id"])["deleted"] is True
    assert [s["id"] for s in stack.latchctl_json("app", "secret", "list", created["id"])] == [secret[4:20]]
    assert stack.latchctl("app", "secret", "delete", created["id"], second["id"], check=False).returncode == 1
    assert "SECRET" in stack.latchctl("app", "secret", "list", created["id"]).stdout

    public = stack.latchctl("app", "create", "--name", unique("p"), "--callback-url", "myapp://cb", "--public").stdout.strip()
    assert stack.latchctl("app", "secret", "create", public, check=False).returncode == 1

    assert stack.latchctl_json("app", "delete", client_id) == {"id": client_id, "deleted": True}
    assert stack.latchctl("app", "show", client_id, check=False).returncode == 1
    assert stack.latchctl("app", "delete", client_id, check=False).returncode == 1
    assert stack.latchctl("app", "secret", "list", client_id, check=False).returncode == 1


@pytest.mark.parametrize("args", [
    ["--name", "x", "--callback-url", "javascript:alert(1)"],
    ["--name", "x", "--callback-url", "http://example.com/cb"],
    ["--name", "x"],
    ["--name", "x", "--callback-url", "https://x.example.com/cb", "--public", "--client-credentials"],
    ["--name", "x", "--callback-url", "https://x.example.com/cb", "--scope", "not-defined-anywhere"],
])
def test_app_create_usage_errors_exit_64(stack, args):
    before = stack.scalar("SELECT count(*) FROM clients")
    r = stack.latchctl("app", "create", *args, check=False)
    assert r.returncode == 64, r.stderr
    assert stack.scalar("SELECT count(*) FROM clients") == before


TOO_MANY_URIS = [arg for i in range(22) for arg in ("--callback-url", f"https://many.example.com/cb{i}")]
API_CAPS = {
    "a 101-character name": (["--name", "n" * 101, "--callback-url", "https://caps.example.com/cb"],
                             {"name": "n" * 101, "callback_url": "https://caps.example.com/cb"}),
    "22 redirect URIs": (["--name", "x"] + TOO_MANY_URIS,
                         {"name": "x", "callback_url": "https://many.example.com/cb0",
                          "redirect_uris": [f"https://many.example.com/cb{i}" for i in range(1, 22)]}),
    "a 2001-character redirect URI": (["--name", "x", "--callback-url", "https://caps.example.com/" + "p" * 1977],
                                      {"name": "x", "callback_url": "https://caps.example.com/" + "p" * 1977}),
    "an icon that is not a web URL": (["--name", "x", "--callback-url", "https://caps.example.com/cb", "--icon", "javascript:x"],
                                      {"name": "x", "callback_url": "https://caps.example.com/cb", "icon": "javascript:x"}),
}


@pytest.mark.parametrize("case", list(API_CAPS), ids=list(API_CAPS))
def test_app_create_refuses_what_the_management_api_refuses(stack, case):
    """One door per rule: latchctl creates apps through the core's AppAdministration, so it refuses
    exactly what the management API refuses (name length, URI count and length, icon), as a usage
    mistake (exit 64), and writes no app and no audit row."""
    args, body = API_CAPS[case]
    token = stack.latchctl("admin-token", "create", unique("caps")).stdout.strip()
    assert stack.post("/api/v2/oauth2-provider/apps", json=body, headers=bearer(token)).status_code == 400
    before = stack.scalar("SELECT count(*) FROM clients"), stack.scalar("SELECT count(*) FROM audit_events")
    r = stack.latchctl("app", "create", *args, check=False)
    assert r.returncode == 64, r.stderr
    assert r.stdout == ""
    assert (stack.scalar("SELECT count(*) FROM clients"), stack.scalar("SELECT count(*) FROM audit_events")) == before


def test_tokens_list_and_revoke(stack):
    app = stack.latchctl("app", "create", "--name", unique("tok"), "--callback-url", "https://t.example.com/cb").stdout.strip()
    other_app = stack.latchctl("app", "create", "--name", unique("tok2"), "--callback-url", "https://t.example.com/cb").stdout.strip()
    bob, carol = create_user(stack), create_user(stack)
    bob_app, bob_grant = make_access_token(stack, app, bob["id"], scope="read")
    bob_other, _ = make_access_token(stack, other_app, bob["id"])
    carol_app, carol_grant = make_access_token(stack, app, carol["id"])
    carol_other, _ = make_access_token(stack, other_app, carol["id"])
    expired, _ = make_access_token(stack, app, bob["id"], expires="now() - interval '1 minute'")
    # An unredeemed code of bob's for app: revoking must remove it too.
    stack.psql(f"INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given, "
               f"code_challenge, expires_at) VALUES ('{unique('c')[:16]}', '\\x00', '{app}', {bob['id']}, 'https://t.example.com/cb', "
               f"true, 'x', now() + interval '5 minutes')")

    listed = stack.latchctl_json("tokens", "list", "--app", app)
    assert sorted((t["user"], t["grant_id"]) for t in listed) == sorted([(bob["username"], bob_grant), (carol["username"], carol_grant)])
    entry = next(t for t in listed if t["grant_id"] == bob_grant)
    assert entry["kind"] == "access" and entry["app"] == app and entry["scope"] == "read"
    assert entry["token_truncated"] == "lat_" + bob_app[4:20] + "_…"
    assert bob_app not in json.dumps(listed)
    assert {t["app"] for t in stack.latchctl_json("tokens", "list", "--user", bob["username"])} == {app, other_app}
    assert len(stack.latchctl_json("tokens", "list", "--app", app, "--user", bob["username"])) == 1
    assert "TOKEN" in stack.latchctl("tokens", "list", "--app", app).stdout

    # By user and app: only bob's grants for app (the live one and the one whose token expired)
    # and his unredeemed code.
    r = stack.latchctl_json("tokens", "revoke", "--app", app, "--user", bob["username"])
    assert r == {"grants_revoked": 2, "tokens_revoked": 2, "codes_removed": 1}
    assert [me_status(stack, t) for t in (bob_app, bob_other, carol_app, carol_other)] == [401, 200, 200, 200]
    # By grant.
    r = stack.latchctl_json("tokens", "revoke", "--grant", carol_grant)
    assert r["grants_revoked"] == 1
    assert [me_status(stack, t) for t in (bob_other, carol_app, carol_other)] == [200, 401, 200]
    # By user: every app.
    assert stack.latchctl_json("tokens", "revoke", "--user", carol["username"])["grants_revoked"] == 1
    assert [me_status(stack, t) for t in (bob_other, carol_other)] == [200, 401]
    # By app.
    assert stack.latchctl_json("tokens", "revoke", "--app", other_app)["grants_revoked"] == 1
    assert me_status(stack, bob_other) == 401
    assert stack.latchctl_json("tokens", "list", "--app", app) == []
    assert me_status(stack, expired) == 401

    assert stack.latchctl("tokens", "revoke", check=False).returncode == 64
    assert stack.latchctl("tokens", "revoke", "--grant", "g_x", "--app", app, check=False).returncode == 64
    assert stack.latchctl("tokens", "revoke", "--grant", "g_nonexistent", check=False).returncode == 1
    assert stack.latchctl("tokens", "revoke", "--user", unique("ghost"), check=False).returncode == 1
    assert stack.latchctl("tokens", "list", "--app", "app_nonexistent", check=False).returncode == 1


def test_database_failure_exits_1(stack):
    r = stack.latchctl("app", "list", "--database-url", "host=/nonexistent port=1 dbname=none connect_timeout=2", check=False)
    assert r.returncode == 1 and "Error:" in r.stderr


def test_migrate_json(stack):
    assert stack.latchctl_json("migrate") == {"applied": []}


def test_purge_a_million_expired_rows_in_batches_and_keep_live_ones(make_stack):
    s = make_stack()
    app = s.latchctl("app", "create", "--name", "purge", "--callback-url", "https://p.example.com/cb").stdout.strip()
    user = create_user(s)
    live_token, _ = make_access_token(s, app, user["id"])
    s.psql(f"INSERT INTO grants (id, client_id, user_id) VALUES ('g_old', '{app}', {user['id']})")
    # A million expired tokens, in one statement (foreign-key triggers off for the seeding only).
    s.psql(f"SET session_replication_role = replica; "
           f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, created_at, expires_at) "
           f"SELECT 'old' || g, 'refresh', '\\x00', 'g_old', '{app}', {user['id']}, now() - interval '2 days', now() - interval '1 day' "
           f"FROM generate_series(1, 1000000) g")
    s.psql(f"INSERT INTO sessions (id, secret_hash, user_id, expires_at) SELECT 'old' || g, '\\x00', {user['id']}, now() - interval '1 hour' "
           f"FROM generate_series(1, 500) g")
    s.psql(f"INSERT INTO sessions (id, secret_hash, user_id, expires_at) VALUES ('live', '\\x00', {user['id']}, now() + interval '1 hour')")
    s.psql(f"INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given, code_challenge, expires_at) "
           f"SELECT 'code' || g, '\\x00', '{app}', {user['id']}, 'https://p.example.com/cb', true, 'x', "
           f"now() + CASE WHEN g <= 30 THEN interval '-1 minute' ELSE interval '5 minutes' END FROM generate_series(1, 40) g")
    s.psql("INSERT INTO rate_limits (bucket, window_start, hits) SELECT 'old' || g, now() - interval '1 hour', 1 FROM generate_series(1, 70) g")
    s.psql("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('register:now', date_trunc('minute', now()), 3)")

    result = s.latchctl_json("purge", "--batch-size", "50000")
    assert result["tokens"] == {"deleted": 1000000, "batches": 21}
    assert result["sessions"] == {"deleted": 500, "batches": 1}
    assert result["authorization_codes"] == {"deleted": 30, "batches": 1}
    assert result["rate_limits"] == {"deleted": 70, "batches": 1}

    assert s.scalar("SELECT count(*) FROM tokens") == "1"
    assert me_status(s, live_token) == 200
    assert s.psql("SELECT id FROM sessions") == [["live"]]
    assert s.scalar("SELECT count(*) FROM authorization_codes") == "10"
    assert s.psql("SELECT bucket FROM rate_limits") == [["register:now"]]

    again = s.latchctl("purge")
    assert again.stdout.splitlines()[0].split() == ["TABLE", "DELETED", "BATCHES"]
    assert s.latchctl_json("purge")["tokens"] == {"deleted": 0, "batches": 1}
    assert s.latchctl("purge", "--batch-size", "0", check=False).returncode == 64
