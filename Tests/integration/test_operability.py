"""Operability: the audit trail and `latchctl audit`, structured request logs, metrics
shared by the workers, the DBA views and database roles, the purge timer."""
import concurrent.futures
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile

import requests

from latchstack import BIN, EXECUTABLES, PG_BIN, ROOT

CREDENTIAL = re.compile(r"l(ac|at|rt|cs|rg|ss|ad)_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")
FAKE_TOKEN = "lat_0123456789abcdef_" + "Q" * 43
DISCOVERY = "/.well-known/oauth-authorization-server"
# nginx answers plain discovery requests from its one-second copy; a query string sends the
# request on to latch-discovery (deploy/nginx/latch-locations.conf), which these tests count.
DISCOVERY_FROM_LATCH = DISCOVERY + "?uncached"
CREDENTIAL_WORDS = {"token", "code", "secret", "password", "state", "verifier", "challenge", "cookie",
                    "session", "authorization", "credential", "hash"}


def unique(prefix):
    return f"{prefix}_{secrets.token_hex(4)}"


def psql_as(stack, user, database, sql):
    """psql as another role (real login over the stack's socket); returns (ok, stdout, stderr)."""
    out = subprocess.run(
        [os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port),
         "-U", user, "-d", database, "-AtqX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=60)
    return out.returncode == 0, out.stdout, out.stderr


def url_for(stack, database, user="postgres"):
    return f"host={stack.dir}/pgsock port={stack.pg_port} dbname={database} user={user}"


def fresh_database(stack, name):
    stack.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    stack.psql(f"CREATE DATABASE {name}")


def metrics_samples(stack, executable="discovery"):
    """{(name, frozenset(labels)): value} of one executable's /metrics."""
    r = stack.get(f"/metrics/{executable}")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in r.text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'([a-z_]+)\{(.*)\} (\S+)', line)
        assert m, line
        labels = frozenset(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def sample(samples, name, **labels):
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls)
               and (("error" in labels) or not any(k == "error" for k, _ in ls)))


def log_offsets(stack):
    return {e: os.path.getsize(os.path.join(stack.dir, "log", f"{e}.log")) for e in EXECUTABLES}


def new_log_lines(stack, offsets):
    lines = []
    for e, offset in offsets.items():
        with open(os.path.join(stack.dir, "log", f"{e}.log"), "rb") as f:
            f.seek(offset)
            lines += f.read().decode().splitlines()
    return lines


# -- audit ---------------------------------------------------------------------------------

def test_migrate_records_an_audit_event_without_credentials(stack):
    db = unique("ops_audit")
    fresh_database(stack, db)
    try:
        stack.latchctl("migrate", "--database-url", url_for(stack, db))
        ok, out, err = psql_as(stack, "postgres", db,
                               "SELECT event, actor, user_id IS NULL, client_id IS NULL, source_address IS NULL, "
                               "detail::text, occurred_at > now() - interval '5 minutes' FROM audit_events")
        assert ok, err
        rows = [line.split("\t") for line in out.splitlines()]
        # Revision 2: migrate also makes the first signing keys (README "OpenID Connect"), one
        # more row, after the migration's own.
        assert [row[0] for row in rows] == ["admin.migrated", "admin.keys_rotated"]
        made = json.loads(rows[1][5])["rotated"]
        assert sorted(k["alg"] for k in made) == ["ES256", "RS256"] and all(len(k["kid"]) == 43 for k in made)
        event, actor, no_user, no_client, no_source, detail, recent = rows[0]
        assert (event, actor, no_user, no_client, no_source, recent) == ("admin.migrated", "latchctl", "t", "t", "t", "t")
        applied = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "sql")) if f.endswith(".sql"))
        assert json.loads(detail) == {"applied": applied}
        # Nothing new to apply (and the keys exist): no event.
        assert "up to date" in stack.latchctl("migrate", "--database-url", url_for(stack, db)).stdout
        ok, out, _ = psql_as(stack, "postgres", db, "SELECT count(*) FROM audit_events")
        assert out.strip() == "2"
    finally:
        stack.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def test_no_audit_row_holds_a_credential(stack):
    """Scans every audit row of the shared stack, whatever the other tests did by now."""
    rows = stack.psql("SELECT event, coalesce(actor, ''), coalesce(client_id, ''), coalesce(source_address, ''), "
                      "detail::text FROM audit_events")
    assert rows, "the stack's own migration is audited"

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield k
                yield from keys(v)
        elif isinstance(value, list):
            for v in value:
                yield from keys(v)

    for row in rows:
        assert not any(CREDENTIAL.search(cell) for cell in row), row
        for key in keys(json.loads(row[4])):
            words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower())
            if words and words[-1] in {"id", "ids", "kind", "type", "hint", "method", "count"}:
                continue
            assert not CREDENTIAL_WORDS & set(words), (key, row)


def seed_audit(stack):
    """Three events about one user and app: 3 hours, 20 minutes and 1 second ago, plus one
    about another user of the same app."""
    user, other, app = unique("audit_user"), unique("audit_other"), unique("audit_app")
    uid = stack.scalar(f"INSERT INTO users (username) VALUES ('{user}') RETURNING id")
    oid = stack.scalar(f"INSERT INTO users (username) VALUES ('{other}') RETURNING id")
    stack.psql(f"INSERT INTO clients (client_id, name) VALUES ('{app}', 'Audit App \"quoted\"')")
    stack.psql(f"""
        INSERT INTO audit_events (occurred_at, event, actor, user_id, client_id, source_address, detail) VALUES
          (now() - interval '3 hours', 'signin.success', '{user}', {uid}, NULL, '192.0.2.10', '{{}}'),
          (now() - interval '20 minutes', 'consent.allowed', '{user}', {uid}, '{app}', '192.0.2.10', '{{"scope": "read"}}'),
          (now() - interval '1 second', 'token.revoked', 'client:{app}', {uid}, '{app}', '192.0.2.11', '{{"reason": "user"}}'),
          (now() - interval '1 second', 'consent.denied', '{other}', {oid}, '{app}', '192.0.2.12', '{{}}')""")
    return user, other, app, int(uid)


def test_audit_lists_filters_and_prints_json(stack):
    user, other, app, uid = seed_audit(stack)
    events = stack.latchctl_json("audit", "--user", user)
    assert [e["event"] for e in events] == ["signin.success", "consent.allowed", "token.revoked"]  # oldest first
    revoked = events[2]
    assert revoked["actor"] == f"client:{app}"
    assert revoked["user_id"] == uid and revoked["username"] == user
    assert revoked["client_id"] == app and revoked["client_name"] == 'Audit App "quoted"'
    assert revoked["source_address"] == "192.0.2.11"
    assert revoked["detail"] == {"reason": "user"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", revoked["time"])
    assert isinstance(revoked["id"], int) and revoked["id"] > events[1]["id"] > events[0]["id"]

    assert [e["event"] for e in stack.latchctl_json("audit", "--client", app)] == \
        ["consent.allowed", "token.revoked", "consent.denied"]
    assert [e["event"] for e in stack.latchctl_json("audit", "--user", user, "--since", "1h")] == \
        ["consent.allowed", "token.revoked"]
    assert [e["event"] for e in stack.latchctl_json("audit", "--user", user, "--since", "90s")] == ["token.revoked"]
    two_hours_ago = stack.scalar("SELECT to_char(now() AT TIME ZONE 'UTC' - interval '2 hours', 'YYYY-MM-DD\"T\"HH24:MI:SS')")
    assert [e["event"] for e in stack.latchctl_json("audit", "--user", user, "--since", two_hours_ago)] == \
        ["consent.allowed", "token.revoked"]
    assert [e["event"] for e in stack.latchctl_json("audit", "--user", user, "--since", two_hours_ago + "+05:00")] == \
        ["signin.success", "consent.allowed", "token.revoked"]
    assert [e["event"] for e in stack.latchctl_json("audit", "--client", app, "--user", other)] == ["consent.denied"]
    assert [e["event"] for e in stack.latchctl_json("audit", "--user", user, "--limit", "1")] == ["token.revoked"]
    assert stack.latchctl_json("audit", "--user", unique("nobody")) == []


def test_audit_table_output(stack):
    user, _, app, _ = seed_audit(stack)
    out = stack.latchctl("audit", "--user", user).stdout.splitlines()
    assert out[0].split() == ["TIME", "EVENT", "ACTOR", "USER", "CLIENT", "SOURCE", "DETAIL"]
    assert len(out) == 4
    columns = out[2].split()
    assert columns[1:6] == ["consent.allowed", user, user, app, "192.0.2.10"]
    assert columns[6] == '{"scope":"read"}'
    assert out[1].split()[4:7] == ["-", "192.0.2.10", "-"]
    assert stack.latchctl("audit", "--user", unique("nobody")).stdout == "no events\n"


def test_audit_refuses_bad_arguments(stack):
    for args, code, message in [(["--since", "yesterday"], 64, "--since takes a duration"),
                                (["--since", "2026-13-01"], 1, "is not a valid time"),
                                (["--limit", "0"], 64, "--limit must be"),
                                (["--since", "1h; DROP TABLE users"], 64, "--since takes a duration")]:
        r = stack.latchctl("audit", *args, check=False)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert message in r.stderr
    assert stack.scalar("SELECT count(*) FROM users") is not None


# -- logs ------------------------------------------------------------------------------------

def test_log_lines_are_json_without_query_or_credentials(stack):
    offsets = log_offsets(stack)
    secret_values = ["SECRETCODE42", "S2STATEVALUE", FAKE_TOKEN, "hunter2pw"]
    assert stack.get(DISCOVERY + f"?code=SECRETCODE42&state=S2STATEVALUE&access_token={FAKE_TOKEN}",
                     headers={"Authorization": f"Bearer {FAKE_TOKEN}"}).status_code == 200
    stack.post("/oauth2/tokens?state=S2STATEVALUE", data={"grant_type": "authorization_code", "code": "SECRETCODE42",
                                                          "password": "hunter2pw"})
    stack.get(f"/oauth2/clients/{FAKE_TOKEN}?code=SECRETCODE42")
    stack.post("/oauth2/tokens?code=SECRETCODE42", data=b"a=" + b"x" * 70000,
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    lines = new_log_lines(stack, offsets)
    entries = [json.loads(line) for line in lines]      # every line is JSON
    for line in lines:
        for value in secret_values:
            assert value not in line, line
        assert "?" not in line, line
    requests_logged = [e for e in entries if "status" in e]
    assert len(requests_logged) == 4
    for e in requests_logged:
        for field in ("time", "level", "executable", "pid", "method", "path", "status", "duration_ms"):
            assert field in e, (field, e)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"])
    discovery = next(e for e in requests_logged if e["executable"] == "latch-discovery")
    assert discovery["path"] == DISCOVERY and discovery["route"] == DISCOVERY and discovery["status"] == 200
    assert discovery["level"] == "info" and isinstance(discovery["pid"], int)
    assert discovery["pid"] in stack.worker_pids("latch-discovery")
    register = next(e for e in requests_logged if e["executable"] == "latch-register")
    assert register["path"] == "/oauth2/clients/lat_[redacted]"
    too_large = next(e for e in requests_logged if e["status"] == 413)
    assert too_large["executable"] == "latch-tokens" and too_large["error"] == "invalid_request"


def test_log_level_and_metrics_can_be_turned_down(make_stack):
    s = make_stack({"LATCH_LOG_LEVEL": "warning", "LATCH_METRICS": "false"})
    offsets = log_offsets(s)
    assert s.get(DISCOVERY).status_code == 200
    assert s.get("/metrics/discovery").status_code == 404
    assert new_log_lines(s, offsets) == []
    # An error is still written at this level.
    s.stop_postgres()
    try:
        assert s.get(DISCOVERY_FROM_LATCH).status_code == 503
    finally:
        s.start_postgres()
    errors = [json.loads(line) for line in new_log_lines(s, offsets)]
    assert [(e["level"], e["status"], e["error"]) for e in errors] == [("error", 503, "temporarily_unavailable")]
    assert "database unavailable" in errors[0]["detail"]


def test_bad_log_settings_stop_the_executable_with_their_names():
    env = dict(os.environ, LATCH_DATABASE_URL="dbname=x", LATCH_ISSUER="https://a.example",
               LATCH_LOG_LEVEL="loud", LATCH_SLOW_REQUEST_MS="soon", LATCH_METRICS="sometimes")
    r = subprocess.run([os.path.join(BIN, "latch-discovery"), "--listen", "unix:/nonexistent/x.sock"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 78
    for name in ("LATCH_LOG_LEVEL='loud'", "LATCH_SLOW_REQUEST_MS='soon'", "LATCH_METRICS='sometimes'"):
        assert name in r.stderr


# -- metrics ---------------------------------------------------------------------------------

def test_metrics_are_served_for_each_executable_on_loopback_only(stack):
    for short in ("discovery", "authorize", "tokens", "register"):
        samples = metrics_samples(stack, short)
        assert sample(samples, "latch_workers_alive", executable=f"latch-{short}") == stack.workers
        assert sample(samples, "latch_workers_configured", executable=f"latch-{short}") == stack.workers
    assert stack.get("/metrics").status_code == 404           # only the per-executable paths are exposed
    # The shipped nginx config allows 127.0.0.1 only: the same server, reached from another
    # loopback address, refuses.
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        conn.request("GET", "/metrics/discovery")
        denied = conn.getresponse()
        assert denied.status == 403
        assert b"latch_" not in denied.read()
    finally:
        conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        conn.request("GET", DISCOVERY)
        assert conn.getresponse().status == 200             # the public endpoints still answer it
    finally:
        conn.close()


def test_metrics_count_every_request_across_workers_and_restarts(make_stack):
    s = make_stack(workers=3)
    route, path = DISCOVERY, DISCOVERY_FROM_LATCH
    before = metrics_samples(s)
    offsets = log_offsets(s)
    ok_requests, refused_requests = 90, 12

    def get(_):
        with requests.Session() as session:
            return session.get(s.url(path), timeout=30).status_code

    def post(_):
        return requests.post(s.url(path), data="x", timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(get, range(ok_requests))) + list(pool.map(post, range(refused_requests)))
    assert statuses.count(200) == ok_requests and statuses.count(405) == refused_requests
    pids = {json.loads(line)["pid"] for line in new_log_lines(s, offsets) if '"status":' in line}
    assert len(pids) >= 2, "the requests were served by several workers"

    after = metrics_samples(s)

    def moved(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("latch_requests_total", route=route, status="2xx") == ok_requests
    assert moved("latch_requests_total", route=route, status="4xx", error="method_not_allowed") == refused_requests
    assert moved("latch_request_duration_seconds_count", route=route) == ok_requests + refused_requests
    assert moved("latch_request_duration_seconds_bucket", route=route, le="+Inf") == ok_requests + refused_requests
    assert moved("latch_request_duration_seconds_sum", route=route) > 0
    assert sample(after, "latch_workers_alive") == 3
    # Reading /metrics is itself counted, under its own route.
    assert moved("latch_requests_total", route="/metrics/{executable}", status="2xx") == 1

    # A worker killed outright is replaced and counted; what it counted is kept.
    victim = s.worker_pids("latch-discovery")[0]
    os.kill(victim, signal.SIGKILL)
    assert s.wait_until(lambda: len(s.worker_pids("latch-discovery")) == 3
                        and victim not in s.worker_pids("latch-discovery"))
    assert s.wait_until(lambda: sample(metrics_samples(s), "latch_workers_alive") == 3)
    restarted = metrics_samples(s)
    assert sample(restarted, "latch_worker_restarts_total") - sample(after, "latch_worker_restarts_total") == 1
    assert sample(restarted, "latch_requests_total", route=route, status="2xx") == \
        sample(after, "latch_requests_total", route=route, status="2xx")

    # A database outage: the 503 is counted by its error code, and the reconnect. First make
    # sure every worker holds a connection (a worker's first connection is no reconnect).
    offsets = log_offsets(s)

    def every_worker_connected():
        s.get(path)
        served = {json.loads(line)["pid"] for line in new_log_lines(s, offsets)
                  if '"route":"/.well-known/oauth-authorization-server"' in line and '"status":200' in line}
        return set(s.worker_pids("latch-discovery")) <= served

    assert s.wait_until(every_worker_connected, timeout=20, interval=0)
    connected = metrics_samples(s)
    s.stop_postgres()
    try:
        assert s.get(path).status_code == 503
    finally:
        s.start_postgres()
    assert s.wait_until(lambda: s.get(path).status_code == 200, timeout=10)
    recovered = metrics_samples(s)
    assert sample(recovered, "latch_requests_total", route=route, status="5xx", error="temporarily_unavailable") == 1
    assert sample(connected, "latch_database_reconnects_total") == 0
    assert 1 <= sample(recovered, "latch_database_reconnects_total") <= 3


# -- DBA views and roles ---------------------------------------------------------------------

def test_roles_and_views(stack):
    db = unique("ops_roles")
    psql = [os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port),
            "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"dbname={db}",
            "-f", os.path.join(ROOT, "deploy", "roles.sql")]
    for _ in range(2):                                   # safe to run again
        r = subprocess.run(psql, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    try:
        assert stack.scalar(f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{db}'") == "latch_owner"
        # The owner, not a superuser, runs every migration.
        out = stack.latchctl("migrate", "--database-url", url_for(stack, db, "latch_owner")).stdout
        assert "applied 091_roles" in out

        def app(sql):
            return psql_as(stack, "latch_app", db, sql)

        def readonly(sql):
            return psql_as(stack, "latch_readonly", db, sql)

        # The executables' role reads and writes rows...
        ok, uid, err = app("INSERT INTO users (username) VALUES ('dana') RETURNING id")
        assert ok, err
        uid = uid.strip()
        seed = f"""
            INSERT INTO clients (client_id, name) VALUES ('app-r', 'Role App');
            INSERT INTO grants (id, client_id, user_id, scope) VALUES ('g-live', 'app-r', {uid}, 'read'),
                                                                      ('g-gone', 'app-r', {uid}, 'read');
            UPDATE grants SET revoked_at = now(), revoked_reason = 'refresh_token_reuse' WHERE id = 'g-gone';
            INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at, used_at, revoked_at) VALUES
              ('t-access', 'access', '\\x01', 'g-live', 'app-r', {uid}, 'read', now() + interval '1 hour', NULL, NULL),
              ('t-refresh', 'refresh', '\\x02', 'g-live', 'app-r', {uid}, 'read', now() + interval '30 days', NULL, NULL),
              ('t-rotated', 'refresh', '\\x03', 'g-live', 'app-r', {uid}, 'read', now() + interval '30 days', now(), NULL),
              ('t-expired', 'access', '\\x04', 'g-live', 'app-r', {uid}, 'read', now() - interval '1 minute', NULL, NULL),
              ('t-revoked', 'access', '\\x05', 'g-live', 'app-r', {uid}, 'read', now() + interval '1 hour', NULL, now()),
              ('t-family', 'refresh', '\\x06', 'g-gone', 'app-r', {uid}, 'read', now() + interval '30 days', NULL, NULL);
            INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given,
                                             code_challenge, expires_at, redeemed_at) VALUES
              ('c-open', '\\x07', 'app-r', {uid}, 'https://app.example/cb', true, 'chal', now() + interval '5 minutes', NULL),
              ('c-used', '\\x08', 'app-r', {uid}, 'https://app.example/cb', true, 'chal', now() + interval '5 minutes', now()),
              ('c-old', '\\x09', 'app-r', {uid}, 'https://app.example/cb', true, 'chal', now() - interval '1 minute', NULL);
            INSERT INTO audit_events (event, actor, user_id, client_id) VALUES ('consent.allowed', 'dana', {uid}, 'app-r');
            DELETE FROM rate_limits;
            SELECT count(*) FROM scopes;"""
        ok, _, err = app(seed)
        assert ok, err
        # ...but no DDL, no TRUNCATE, no other schemas, and the audit trail is append-only.
        for sql, error in [("DROP TABLE tokens", "must be owner"),
                           ("TRUNCATE tokens", "permission denied"),
                           ("ALTER TABLE users ADD COLUMN x int", "must be owner"),
                           ("CREATE TABLE x (a int)", "permission denied for schema public"),
                           ("CREATE TEMP TABLE x (a int)", "permission denied to create temporary tables"),
                           ("CREATE SCHEMA mine", "permission denied"),
                           ("SELECT * FROM dba.active_grants", "permission denied for schema dba"),
                           ("SELECT * FROM schema_migrations", "permission denied"),
                           ("SELECT * FROM audit_events", "permission denied"),
                           ("UPDATE audit_events SET event = 'x'", "permission denied"),
                           ("DELETE FROM audit_events", "permission denied"),
                           ("SELECT * FROM pg_authid", "permission denied")]:
            ok, _, err = app(sql)
            assert not ok and error in err, (sql, err)

        # The read-only role reads the views, names joined in...
        ok, out, err = readonly("SELECT grant_id, username, app_name, scope, live_access_tokens, live_refresh_tokens "
                                "FROM dba.active_grants")
        assert ok, err
        assert out.splitlines() == ["g-live\tdana\tRole App\tread\t1\t1"]
        ok, out, err = readonly("SELECT token_id, state, coalesce(revoked_reason, '-') FROM dba.tokens_by_state ORDER BY token_id")
        assert ok, err
        assert out.splitlines() == ["t-access\tactive\t-", "t-expired\texpired\t-",
                                    "t-family\trevoked\tgrant revoked: refresh_token_reuse",
                                    "t-refresh\tactive\t-", "t-revoked\trevoked\ttoken revoked", "t-rotated\trevoked\trotated"]
        ok, out, err = readonly("SELECT kind, state, tokens FROM dba.token_counts ORDER BY 1, 2")
        assert out.splitlines() == ["access\tactive\t1", "access\texpired\t1", "access\trevoked\t1",
                                    "refresh\tactive\t1", "refresh\trevoked\t2"]
        ok, out, err = readonly("SELECT code_id, username, app_name, redirect_uri FROM dba.outstanding_codes")
        assert out.splitlines() == ["c-open\tdana\tRole App\thttps://app.example/cb"]
        ok, out, err = readonly("SELECT event, username, app_name FROM dba.audit_trail WHERE event = 'consent.allowed'")
        assert out.splitlines() == ["consent.allowed\tdana\tRole App"]
        ok, out, err = readonly("SELECT count(*) FROM dba.resources")
        assert ok and out.strip().isdigit(), err
        # ...and nothing else.
        for sql in ["SELECT * FROM public.users", "SELECT * FROM public.tokens", "SELECT * FROM public.audit_events",
                    "SELECT * FROM public.schema_migrations", "DELETE FROM dba.outstanding_codes",
                    "INSERT INTO dba.token_counts VALUES ('access', 'active', 1)", "CREATE TABLE dba.x (a int)",
                    "CREATE TEMP TABLE x (a int)"]:
            ok, _, err = readonly(sql)
            assert not ok and ("permission denied" in err or "cannot" in err), (sql, err)

        # No view shows a hash or a credential column; every view and column is documented.
        ok, out, err = psql_as(stack, "postgres", db, """
            SELECT c.relname || '.' || a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'dba' AND a.attnum > 0 AND NOT a.attisdropped
              AND (a.attname ~ '(hash|secret|challenge|password|state_)' OR col_description(c.oid, a.attnum) IS NULL)""")
        assert ok and out.strip() == "", out + err
        ok, out, _ = psql_as(stack, "postgres", db, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'dba' AND (c.relkind <> 'v' OR obj_description(c.oid, 'pg_class') IS NULL)""")
        assert ok and out.strip() == "", out
        ok, out, _ = psql_as(stack, "postgres", db, "SELECT count(*) FROM pg_views WHERE schemaname = 'dba'")
        assert out.strip() == "7"  # revision 2 adds dba.clients (092) and dba.resources (093)
    finally:
        stack.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


# -- cleanup on a schedule -------------------------------------------------------------------

def test_purge_timer_units_are_valid_and_run_latchctl_purge():
    units = os.path.join(ROOT, "deploy", "systemd")
    with open(os.path.join(units, "latch-purge.service")) as f:
        service = f.read()
    with open(os.path.join(units, "latch-purge.timer")) as f:
        timer = f.read()
    assert re.search(r"^ExecStart=/usr/local/bin/latchctl purge$", service, re.M)
    assert re.search(r"^Type=oneshot$", service, re.M)
    assert re.search(r"^EnvironmentFile=/etc/latch/latch.env$", service, re.M)
    assert re.search(r"^OnCalendar=\S+$", timer, re.M) and re.search(r"^Unit=latch-purge.service$", timer, re.M)
    assert re.search(r"^WantedBy=timers.target$", timer, re.M)
    tmp = tempfile.mkdtemp()
    try:
        with open(os.path.join(tmp, "latch-purge.service"), "w") as f:
            f.write(service.replace("/usr/local/bin/latchctl", os.path.join(BIN, "latchctl")))
        shutil.copy(os.path.join(units, "latch-purge.timer"), tmp)
        r = subprocess.run(["systemd-analyze", "verify", os.path.join(tmp, "latch-purge.service"),
                            os.path.join(tmp, "latch-purge.timer")], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stderr.strip() == "", r.stderr
    finally:
        shutil.rmtree(tmp)
