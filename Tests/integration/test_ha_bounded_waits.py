"""Issue 17: every database wait is bounded, and a request whose client has given up is not run
(README "Running latch for real").

A stack of its own with LATCH_DATABASE_TIMEOUT_MS=1000:
- a statement that cannot finish (its table locked by another session) answers 503
  `temporarily_unavailable` instead of waiting, its backend is cancelled (nothing of latch's
  is left waiting on the lock), and the next request after the lock is gone succeeds;
- a request nginx handed over longer ago than the bound (the FastCGI parameter
  LATCH_REQUEST_START) is answered 503 without touching the database; a missing or garbled
  parameter is no check;
- end to end through nginx: a request that waited in the socket while the only worker was
  stopped is refused when the worker takes it.
All waits bounded; loopback and unix sockets only.
"""
import os
import signal
import subprocess
import time

import pytest

import fastcgiclient
from latchstack import PG_BIN
from tokenfactory import TokenFactory

TIMEOUT_MS = 1000


@pytest.fixture(scope="module")
def ha(make_stack):
    stack = make_stack({"LATCH_DATABASE_TIMEOUT_MS": str(TIMEOUT_MS)}, workers=1)
    yield stack
    stack.down()


@pytest.fixture(scope="module")
def app(ha):
    return TokenFactory(ha).app(client_credentials=True)


def client_credentials(stack, app, timeout=8):
    return stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth, timeout=timeout)


def token_rows(stack, app):
    return int(stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{app.client_id}'"))


def locker(stack, table, seconds):
    """A psql session holding an exclusive lock on `table` for `seconds` (then it ends)."""
    cmd = [os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port),
           "-U", "postgres", "-d", "latch", "-qX", "-v", "ON_ERROR_STOP=1", "-c",
           f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep({seconds}); COMMIT;"]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert stack.wait_until(lambda: stack.scalar(
        f"SELECT count(*) FROM pg_locks WHERE relation = '{table}'::regclass AND mode = 'AccessExclusiveLock' AND granted") == "1",
        timeout=10)
    return process


def release(stack, table, process):
    stack.psql(f"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = '{table}'::regclass "
               "AND mode = 'AccessExclusiveLock' AND granted")
    process.wait(timeout=10)


def waiting_on_locks(stack):
    return int(stack.scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))


def test_a_statement_that_cannot_finish_answers_503_within_the_bound_and_is_cancelled(ha, app):
    assert client_credentials(ha, app).status_code == 200
    before = token_rows(ha, app)
    process = locker(ha, "tokens", 20)
    try:
        # Before: the worker waited for the lock (20 s), past the client's 8 s.
        response = client_credentials(ha, app)
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "temporarily_unavailable"
        assert response.headers.get("Retry-After") == "1"
        # The statement was cancelled on the server, not left queued behind the lock.
        assert ha.wait_until(lambda: waiting_on_locks(ha) == 0, timeout=5), "latch's statement still waits on the lock"
        # The gate too.
        check = ha.get("/oauth2/check", headers={"Authorization": "Bearer lat_0123456789abcdef_" + "A" * 43}, timeout=8)
        assert check.status_code == 503, check.text
    finally:
        release(ha, "tokens", process)
    assert client_credentials(ha, app).status_code == 200
    # The cancelled statement issued nothing: one row more, from the request after the lock.
    assert token_rows(ha, app) == before + 1
    assert "canceling statement due to user request" in ha.log("latch-tokens")


def fastcgi_token_request(stack, app, start):
    body = b"grant_type=client_credentials"
    import base64
    basic = base64.b64encode(f"{app.client_id}:{app.secret}".encode()).decode()
    extra = {} if start is None else {"LATCH_REQUEST_START": start}
    return fastcgiclient.unix_request(os.path.join(stack.dir, "run", "latch-tokens.sock"), "POST", "/oauth2/tokens", body=body,
                                      headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
                                      **extra)


def test_a_request_older_than_the_bound_is_refused_unrun(ha, app):
    before = token_rows(ha, app)
    stale = fastcgi_token_request(ha, app, f"{time.time() - 10:.3f}")
    assert stale.status == 503, stale.text
    assert '"temporarily_unavailable"' in stale.text
    assert stale.header("retry-after") == "1"
    assert token_rows(ha, app) == before, "the stale request was run"
    # Fresh, missing or garbled: run as before.
    for start in (f"{time.time():.3f}", None, "yesterday", "", "1e9", "-5.0"):
        answer = fastcgi_token_request(ha, app, start)
        assert answer.status == 200, (start, answer.text)
    assert token_rows(ha, app) == before + 6


def test_a_browser_page_older_than_the_bound_is_refused(ha):
    answer = fastcgiclient.unix_request(os.path.join(ha.dir, "run", "latch-authorize.sock"), "GET", "/login",
                                        LATCH_REQUEST_START=f"{time.time() - 10:.3f}")
    assert answer.status == 503
    fresh = fastcgiclient.unix_request(os.path.join(ha.dir, "run", "latch-authorize.sock"), "GET", "/login",
                                       LATCH_REQUEST_START=f"{time.time():.3f}")
    assert fresh.status == 200


def test_nginx_passes_the_start_and_a_request_queued_past_the_bound_is_refused(ha, app):
    """The only latch-tokens worker is stopped while a request arrives through nginx; it waits
    in the FastCGI socket for 2.5 bounds; when the worker goes on it is refused unrun."""
    before = token_rows(ha, app)
    [worker] = ha.worker_pids("latch-tokens")
    os.kill(worker, signal.SIGSTOP)
    try:
        import threading
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("r", client_credentials(ha, app, timeout=20)))
        thread.start()
        time.sleep(2.5 * TIMEOUT_MS / 1000)
    finally:
        os.kill(worker, signal.SIGCONT)
    thread.join(timeout=25)
    response = result["r"]
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "temporarily_unavailable"
    assert token_rows(ha, app) == before
    assert client_credentials(ha, app).status_code == 200
