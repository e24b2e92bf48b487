"""What a worker's memory of verified clients (`VerifiedClients`, README "Benchmarks": the lean
statement) may and may not do: a client it saw verified gets a one-trip statement without the
unverified client's rate-limit count and without the last-use writes (token requests and
introspection); the marks are written by a second statement only when due; and a client
un-verified since is counted, limited and confined to its own tokens from its next request
on, whatever the worker remembers. One worker, so what it remembers is known to the test."""
import pytest

from clienthelpers import register
from test_growth_token_rate import LIMIT, within_one_minute
from test_round_trips import statements_for
from tokenfactory import App, TokenFactory, introspect, q, refresh, token_request


@pytest.fixture(scope="module")
def one(make_stack):
    return make_stack({"LATCH_UNVERIFIED_TOKEN_RATE_LIMIT": str(LIMIT)}, workers=1)


def test_a_client_unverified_after_the_worker_saw_it_verified_is_limited_at_once(one):
    """A worker remembers which clients it saw verified and sends their requests a leaner
    statement (no rate-limit count: `VerifiedClients`); a client that stops being verified must
    be counted and limited from its next request on, whatever the worker remembers."""
    f = TokenFactory(one)
    r = register(one, {"redirect_uris": ["https://app.example/cb"], "grant_types": ["authorization_code", "refresh_token"]})
    assert r.status_code == 201, r.text
    app = App(r.json()["client_id"], r.json()["client_secret"], public=False)
    one.latchctl("app", "verify", app.client_id)
    user_id, _ = f.user()
    pairs = [f.tokens(app, user_id) for _ in range(LIMIT + 3)]
    assert refresh(one, app, pairs[0].refresh).status_code == 200   # the worker now remembers it verified
    r, n = statements_for(one, lambda: refresh(one, app, pairs[1].refresh))
    assert r.status_code == 200 and n == 1
    one.latchctl("app", "unverify", app.client_id)
    within_one_minute(one)
    statuses = [refresh(one, app, p.refresh).status_code for p in pairs[2:]]
    assert statuses == [200] * LIMIT + [429]
    assert one.scalar(f"SELECT hits FROM rate_limits WHERE bucket = {q('token:' + app.client_id)} "
                      f"AND window_start = date_trunc('minute', now())") == str(LIMIT)


def test_a_remembered_verified_client_writes_due_marks_in_a_second_statement(one):
    """The lean statement leaves the secret's last use (once a minute) and the client's last
    token (once a day) to a second statement, sent only when one of them is due."""
    f = TokenFactory(one)
    app = f.app(client_credentials=True)
    send = lambda: token_request(one, app, grant_type="client_credentials")  # noqa: E731
    r, n = statements_for(one, send)   # not remembered yet: one statement writes the marks itself
    assert r.status_code == 200 and n == 1
    secret_id = app.secret.split("_")[1]
    mark = f"SELECT last_used_at > now() - interval '1 minute' FROM client_secrets WHERE id = {q(secret_id)}"
    seen = f"SELECT last_token_at > now() - interval '1 hour' FROM clients WHERE client_id = {q(app.client_id)}"
    assert one.scalar(mark) == "t" and one.scalar(seen) == "t"
    one.psql(f"UPDATE client_secrets SET last_used_at = NULL WHERE id = {q(secret_id)}")
    one.psql(f"UPDATE clients SET last_token_at = now() - interval '25 hours' WHERE client_id = {q(app.client_id)}")
    r, n = statements_for(one, send)
    assert r.status_code == 200 and n == 2
    assert one.scalar(mark) == "t" and one.scalar(seen) == "t"
    # Both marks fresh: one statement again.
    r, n = statements_for(one, send)
    assert r.status_code == 200 and n == 1


def verified_dynamic_client(one):
    r = register(one, {"redirect_uris": ["https://app.example/cb"], "grant_types": ["authorization_code", "refresh_token"]})
    assert r.status_code == 201, r.text
    app = App(r.json()["client_id"], r.json()["client_secret"], public=False)
    one.latchctl("app", "verify", app.client_id)
    return app


def test_introspection_by_a_client_unverified_since_sees_only_its_own_tokens(one):
    """Introspection takes the lean lookup for a caller the worker saw verified; once an admin
    un-verifies it, another client's token is `{"active": false}` to it at once."""
    f = TokenFactory(one)
    caller = verified_dynamic_client(one)
    user_id, _ = f.user()
    others = f.tokens(f.app(), user_id)
    assert introspect(one, caller, others.access).json()["active"] is True   # remembered verified now
    r, n = statements_for(one, lambda: introspect(one, caller, others.access))
    assert r.json()["active"] is True and n == 1
    one.latchctl("app", "unverify", caller.client_id)
    assert introspect(one, caller, others.access).json() == {"active": False}
    own = f.tokens(caller, user_id)
    assert introspect(one, caller, own.access).json()["active"] is True


def test_lean_introspection_writes_the_due_secret_mark_in_a_second_statement(one):
    f = TokenFactory(one)
    caller = f.app()
    user_id, _ = f.user()
    token = f.tokens(f.app(), user_id).access
    r, n = statements_for(one, lambda: introspect(one, caller, token))   # not remembered yet: one statement, mark written
    assert r.json()["active"] is True and n == 1
    secret_id = caller.secret.split("_")[1]
    mark = f"SELECT last_used_at > now() - interval '1 minute' FROM client_secrets WHERE id = {q(secret_id)}"
    assert one.scalar(mark) == "t"
    one.psql(f"UPDATE client_secrets SET last_used_at = NULL WHERE id = {q(secret_id)}")
    r, n = statements_for(one, lambda: introspect(one, caller, token))
    assert r.json()["active"] is True and n == 2
    assert one.scalar(mark) == "t"
    r, n = statements_for(one, lambda: introspect(one, caller, token))
    assert r.json()["active"] is True and n == 1
