"""Issue 17: the gate (/oauth2/check) and discovery read from a hot standby (LATCH_READ_DATABASE_URL),
skipping it for the primary when it lags more than LATCH_READ_MAX_LAG_MS or cannot be reached
(README "Running latch for real"). A stack of its own; the standby is made with
`pg_basebackup -R` (hatopology.py) and reached over TCP on loopback. Bounded waits only.
"""
import os
import signal
import time

import pytest

from hatopology import Standby, signal_cluster
from tokenfactory import TokenFactory

MAX_LAG_MS = 1000


@pytest.fixture(scope="module")
def replicated(make_stack):
    stack = make_stack({"LATCH_DATABASE_TIMEOUT_MS": "1000"}, workers=2)
    standby = Standby(stack, "replica1").create()
    stack.extra_env.update({"LATCH_READ_DATABASE_URL": f"host=127.0.0.1 port={standby.port} dbname=latch user=postgres",
                            "LATCH_READ_MAX_LAG_MS": str(MAX_LAG_MS)})
    stack.up()
    yield stack, standby
    standby.stop()
    stack.down()


def check(stack, token):
    return stack.get("/oauth2/check", headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def latch_connections(standby):
    return int(standby.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = 'latch' AND client_addr IS NOT NULL"))


def fresh_token(stack, standby):
    f = TokenFactory(stack)
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    assert stack.wait_until(lambda: standby.scalar(f"SELECT count(*) FROM tokens WHERE id = '{pair.access_id}'") == "1", timeout=10)
    return app, pair


def test_revocation_reaches_the_gate_within_the_lag_bound(replicated):
    stack, standby = replicated
    app, pair = fresh_token(stack, standby)
    assert all(check(stack, pair.access) == 204 for _ in range(20))
    # The gate's reads went to the standby (before issue 17 latch never connected to it).
    assert latch_connections(standby) >= 1
    standby.psql("SELECT pg_wal_replay_pause()")
    try:
        revoked_at = time.time()
        r = stack.post("/oauth2/revoke", data={"token": pair.refresh}, auth=app.auth)
        assert r.status_code == 200
        # The standby never replays the revocation while paused: only skipping it for the
        # primary makes the gate refuse the token.
        statuses = []
        while time.time() < revoked_at + 10:
            statuses.append((time.time() - revoked_at, check(stack, pair.access)))
            if statuses[-1][1] == 401 and len(statuses) > 3 and all(s == 401 for _, s in statuses[-3:]):
                break
        stale = [t for t, s in statuses if s == 204]
        print(f"\nrevocation with replay paused: {len(stale)} stale 204s, the last {max(stale, default=0):.2f} s after the revocation "
              f"(LATCH_READ_MAX_LAG_MS={MAX_LAG_MS}); {len(statuses)} checks")
        assert statuses[-1][1] == 401, statuses
        assert standby.scalar(f"SELECT count(*) FROM grants WHERE id = '{pair.grant_id}' AND revoked_at IS NOT NULL") == "0"
        # Within the bound (plus the 250 ms between lag checks and this machine's slack).
        assert max(stale, default=0) <= MAX_LAG_MS / 1000 + 1.5, statuses
    finally:
        standby.psql("SELECT pg_wal_replay_resume()")


def test_a_frozen_then_stopped_standby_is_skipped_for_the_primary(replicated):
    stack, standby = replicated
    app, pair = fresh_token(stack, standby)
    assert check(stack, pair.access) == 204
    signal_cluster(standby.dir, signal.SIGSTOP)
    try:
        frozen = [check(stack, pair.access) for _ in range(30)]
    finally:
        signal_cluster(standby.dir, signal.SIGCONT)
    print(f"\nstandby frozen: {dict((s, frozen.count(s)) for s in set(frozen))}")
    assert set(frozen) == {204}, frozen
    standby.stop()
    try:
        stopped = [check(stack, pair.access) for _ in range(30)]
        print(f"standby stopped: {dict((s, stopped.count(s)) for s in set(stopped))}")
        assert set(stopped) == {204}, stopped
        # The primary's answer is the truth: a revocation is seen at once.
        assert stack.post("/oauth2/revoke", data={"token": pair.refresh}, auth=app.auth).status_code == 200
        assert check(stack, pair.access) == 401
    finally:
        standby.start()


def test_discovery_reads_from_the_standby_too(replicated):
    stack, standby = replicated
    import fastcgiclient
    for path in ("/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource"):
        answer = fastcgiclient.unix_request(os.path.join(stack.dir, "run", "latch-discovery.sock"), "GET", path)
        assert answer.status == 200, answer.text
    # Its workers' connections are named after the executable (fallback_application_name).
    assert int(standby.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'latch-discovery'")) >= 1
    # Writers never connect to it.
    assert standby.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('latch-authorize', 'latch-register')") == "0"
