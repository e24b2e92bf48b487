"""Issue 17: latch through PgBouncer (Debian's 1.18) in transaction pooling mode
(README "Running latch for real").

PgBouncer in front of the stack's cluster with 2 server connections, latch's executables
(4 workers each, more than the server connections) connected to it with
LATCH_DATABASE_POOLING=transaction. The whole flow runs through it: sign-in, consent, code,
refresh, client_credentials, the gate, introspection, revocation; then a bounded concurrent
load of client_credentials and checks answers only 200s and 204s. Before issue 17 every request
failed with 500 (`42P05: prepared statement "s0" already exists`).
"""
import concurrent.futures
import time

import pytest

from authflow import (Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user,
                      pkce_pair, query_of)
from hapg import PgBouncer
from latchstack import Stack
from tokenfactory import TokenFactory

WORKERS = 4
SERVER_CONNECTIONS = 2


@pytest.fixture(scope="module")
def pooled():
    stack = Stack({"LATCH_DATABASE_POOLING": "transaction"}, workers=WORKERS).up()
    bouncer = PgBouncer(stack.dir, "127.0.0.1", stack.pg_port, mode="transaction", pool_size=SERVER_CONNECTIONS).start()
    stack.app_database_url = bouncer.url
    stack.up()  # restarts the executables on PgBouncer
    yield stack, bouncer
    stack.down()
    bouncer.stop()


def test_the_whole_flow_through_pgbouncer_in_transaction_mode(pooled):
    stack, bouncer = pooled
    assert stack.env["LATCH_DATABASE_POOLING"] == "transaction"
    ensure_scopes(stack)
    redirect = "https://app.example/cb"
    client_id, secret = make_confidential_app(stack, [redirect], scope="profile")
    username, password = make_user(stack)
    browser = Browser(stack)
    r = browser.sign_in(username, password)
    assert r.status_code == 303, r.text
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=redirect, scope="profile", state="s1"))
    r = exchange(stack, code, verifier=verifier, client_id=client_id, secret=secret, redirect_uri=redirect)
    assert r.status_code == 200, r.text
    tokens = r.json()
    assert stack.get("/oauth2/check", headers={"Authorization": f"Bearer {tokens['access_token']}"}).status_code == 204
    r = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                   auth=(client_id, secret))
    assert r.status_code == 200, r.text
    refreshed = r.json()
    # The old refresh token is spent: a second use is a replay.
    replay = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                        auth=(client_id, secret))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    r = stack.post("/oauth2/introspect", data={"token": refreshed["access_token"]}, auth=(client_id, secret))
    assert r.status_code == 200 and r.json()["active"] is False  # the replay revoked the grant
    # client_credentials, the gate, revocation.
    app = TokenFactory(stack).app(client_credentials=True)
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth)
    assert r.status_code == 200, r.text
    access = r.json()["access_token"]
    assert stack.get("/oauth2/check", headers={"Authorization": f"Bearer {access}"}).status_code == 204
    r = stack.post("/oauth2/revoke", data={"token": access}, auth=app.auth)
    assert r.status_code == 200, r.text
    assert stack.get("/oauth2/check", headers={"Authorization": f"Bearer {access}"}).status_code == 401
    # Every statement went through PgBouncer's few server connections.
    assert 1 <= bouncer.server_connections(stack) <= SERVER_CONNECTIONS
    for executable in ("latch-tokens", "latch-authorize"):
        assert "prepared statement" not in stack.log(executable)


def test_concurrent_load_through_fewer_server_connections_than_workers(pooled):
    stack, bouncer = pooled
    app = TokenFactory(stack).app(client_credentials=True)
    first = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth).json()["access_token"]
    deadline = time.time() + 8

    def work(index):
        statuses = []
        while time.time() < deadline and len(statuses) < 150:
            if index % 2:
                r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth, timeout=10)
            else:
                r = stack.get("/oauth2/check", headers={"Authorization": f"Bearer {first}"}, timeout=10)
            statuses.append(r.status_code)
        return statuses

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = [s for result in pool.map(work, range(8)) for s in result]
    counts = {status: statuses.count(status) for status in set(statuses)}
    print(f"\nthrough PgBouncer ({SERVER_CONNECTIONS} server connections, {WORKERS} workers per executable): {counts}")
    assert statuses and set(statuses) <= {200, 204}, counts
    assert bouncer.server_connections(stack) <= SERVER_CONNECTIONS


def test_named_statements_behind_a_transaction_pooler_never_fail_with_500(pooled):
    """The same executables in the default `session` mode behind the transaction pooler (a
    misconfiguration): a prepared statement missing on, or clashing with, the server connection
    PgBouncer hands out is prepared again once, else answered 503 — never the endless 500s of
    `42P05: prepared statement "s0" already exists` before issue 17."""
    stack, bouncer = pooled
    stack.extra_env["LATCH_DATABASE_POOLING"] = "session"
    stack.up()
    try:
        app = TokenFactory(stack).app(client_credentials=True)
        deadline = time.time() + 8

        def work(_):
            statuses = []
            while time.time() < deadline and len(statuses) < 100:
                statuses.append(stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth,
                                           timeout=10).status_code)
            return statuses

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            statuses = [s for result in pool.map(work, range(6)) for s in result]
        counts = {status: statuses.count(status) for status in set(statuses)}
        print(f"\nsession mode behind the transaction pooler: {counts}")
        assert set(statuses) <= {200, 503}, counts
        assert counts.get(200, 0) > 0, counts
    finally:
        stack.extra_env["LATCH_DATABASE_POOLING"] = "transaction"
        stack.up()
