"""Issue 17: migrations are safe on a live database (README "Running latch for real").

A stack of its own holding many tokens (TOKENS rows), a copy of sql/ with one more migration
that changes `tokens` (999_ha_test: a new column, which needs the table's ACCESS EXCLUSIVE
lock), and a client_credentials load on the token path throughout (bounded in time):
- `latchctl migrate --plan` lists it and changes nothing;
- while a long transaction holds `tokens`, the migration fails after its lock_timeout
  (--lock-timeout-ms 1000) with a clear message and changes nothing — before issue 17 it
  waited behind that transaction, and every token request queued behind its lock request;
- once the transaction is gone it applies, and no token request meanwhile waited longer than
  the lock timeout (no 503, none slower than the database bound).
"""
import os
import shutil
import subprocess
import threading
import time

import pytest

from latchstack import PG_BIN, ROOT
from tokenfactory import TokenFactory

TOKENS = 1_000_000
LOCK_TIMEOUT_MS = 1000
# Without its own SET LOCAL lock_timeout: the Migrator's (--lock-timeout-ms) is what bounds it.
MIGRATION = """ALTER TABLE tokens ADD COLUMN ha_test_note text;
COMMENT ON COLUMN tokens.ha_test_note IS 'Test only (test_ha_migrations).';
"""


@pytest.fixture(scope="module")
def live(make_stack, tmp_path_factory):
    stack = make_stack({"LATCH_DATABASE_TIMEOUT_MS": "2000"}, workers=2)
    f = TokenFactory(stack)
    app = f.app(client_credentials=True)
    grant = f.grant(app, None)
    began = time.time()
    stack.psql(f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, scope, expires_at) "
               f"SELECT md5(i::text || 'ha'), 'access', '\\x00'::bytea, '{grant}', '{app.client_id}', '', now() + interval '1 hour' "
               f"FROM generate_series(1, {TOKENS}) i")
    stack.psql("ANALYZE tokens")
    print(f"\n{TOKENS} tokens stored in {time.time() - began:.1f} s")
    sql = tmp_path_factory.mktemp("sql")
    for name in os.listdir(os.path.join(ROOT, "sql")):
        shutil.copy(os.path.join(ROOT, "sql", name), sql / name)
    (sql / "999_ha_test.sql").write_text(MIGRATION)
    os.chmod(sql, 0o755)
    yield stack, app, str(sql)
    stack.down()


class TokenLoad:
    """client_credentials in a loop on 2 threads until stopped (at most 120 s)."""

    def __init__(self, stack, app):
        self.stack, self.app, self.calls, self.running = stack, app, [], True
        self.threads = [threading.Thread(target=self.work) for _ in range(2)]

    def work(self):
        end = time.time() + 120
        while self.running and time.time() < end:
            started = time.time()
            try:
                status = self.stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=self.app.auth,
                                         timeout=30).status_code
            except Exception:
                status = 0
            self.calls.append((started, time.time() - started, status))

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.running = False
        for t in self.threads:
            t.join(timeout=40)

    def summary(self):
        statuses = {}
        for _, _, s in self.calls:
            statuses[s] = statuses.get(s, 0) + 1
        return statuses, max((d for _, d, _ in self.calls), default=0)


def applied(stack):
    return stack.scalar("SELECT count(*) FROM schema_migrations WHERE version = 999") == "1"


def test_plan_lists_and_changes_nothing(live):
    stack, _, sql = live
    assert "nothing would be applied" in stack.latchctl("migrate", "--plan").stdout
    assert stack.latchctl_json("migrate", "--plan", "--dir", sql) == {"pending": ["999_ha_test"]}
    assert stack.latchctl("migrate", "--plan", "--dir", sql).stdout.strip() == "would apply 999_ha_test"
    assert not applied(stack)
    r = stack.latchctl("migrate", "--lock-timeout-ms", "0", check=False)
    assert r.returncode == 64 and "--lock-timeout-ms" in r.stderr


def test_a_migration_blocked_by_a_long_transaction_gives_up_after_its_lock_timeout(live):
    stack, app, sql = live
    holder = subprocess.Popen(
        [os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port), "-U", "postgres",
         "-d", "latch", "-qX", "-c", "BEGIN; SELECT count(*) FROM tokens WHERE id = 'x'; SELECT pg_sleep(40); COMMIT;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert stack.wait_until(lambda: stack.scalar(
            "SELECT count(*) FROM pg_locks WHERE relation = 'tokens'::regclass AND mode = 'AccessShareLock' AND granted") != "0",
            timeout=10)
        with TokenLoad(stack, app) as load:
            began = time.time()
            # Before: waited for the 40 s transaction (past this 20 s bound), the token path stalled behind it.
            r = stack.latchctl("migrate", "--dir", sql, "--lock-timeout-ms", str(LOCK_TIMEOUT_MS), check=False)
            took = time.time() - began
            time.sleep(1)
        statuses, slowest = load.summary()
        print(f"\nmigration refused after {took:.2f} s; token path meanwhile: {statuses}, slowest {slowest:.2f} s")
        assert r.returncode != 0
        assert "could not take a lock within" in r.stderr and "999_ha_test" in r.stderr, r.stderr
        assert not applied(stack)
        assert stack.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'tokens' AND column_name = 'ha_test_note'") == "0"
        assert statuses and set(statuses) == {200}, statuses
    finally:
        stack.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(40)%' AND pid <> pg_backend_pid()")
        holder.wait(timeout=10)


def test_migrations_apply_to_a_big_table_under_load(live):
    stack, app, sql = live
    with TokenLoad(stack, app) as load:
        r = stack.latchctl("migrate", "--dir", sql, "--lock-timeout-ms", str(LOCK_TIMEOUT_MS))
        time.sleep(1)
    statuses, slowest = load.summary()
    print(f"\nmigrated a {TOKENS}-token table under load: {statuses}, slowest token request {slowest:.2f} s "
          f"(lock timeout {LOCK_TIMEOUT_MS} ms)")
    assert "applied 999_ha_test" in r.stdout
    assert applied(stack)
    assert statuses and set(statuses) == {200}, statuses
    # No request waited longer than the lock timeout (plus its own work).
    assert slowest < LOCK_TIMEOUT_MS / 1000 + 1, slowest
