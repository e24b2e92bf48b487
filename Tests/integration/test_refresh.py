"""grant_type=refresh_token: rotation, reuse detection revoking the grant family,
concurrency, scope narrowing, cross-client refusal, several devices, a real client."""
import threading

import pytest
from authlib.integrations.requests_client import OAuth2Session

from tokenfactory import (TokenFactory, access_works, bearer, factory, introspect, refresh, refresh_works,  # noqa: F401
                          token_request)


@pytest.fixture
def setup(stack, factory):
    read, write = factory.scope(), factory.scope()
    app = factory.app(scope=f"{read} {write}")
    user_id, username = factory.user()
    pair = factory.tokens(app, user_id, scope=f"{read} {write}")
    return app, user_id, username, pair, read, write


def test_rotation_returns_a_new_pair_and_retires_the_old_one(stack, factory, setup):
    app, user_id, username, pair, read, write = setup
    r = refresh(stack, app, pair.refresh)
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Pragma"] == "no-cache"
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == f"{read} {write}"
    assert body["access_token"].startswith("lat_") and body["refresh_token"].startswith("lrt_")
    assert body["access_token"] != pair.access and body["refresh_token"] != pair.refresh

    # The new pair works, for the same user, in the same grant; the old pair does not.
    me = stack.get("/api/v2/users/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json() == {"id": user_id, "username": username}
    assert refresh_works(stack, app, body["refresh_token"])
    assert not access_works(stack, pair.access)
    assert not refresh_works(stack, app, pair.refresh)
    assert stack.scalar(f"SELECT count(DISTINCT grant_id) FROM tokens WHERE grant_id = '{pair.grant_id}'") == "1"
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE grant_id = '{pair.grant_id}'") == "4"
    # Only hashes at rest: the row of the new refresh token holds SHA-256 of its secret part.
    _, token_id, secret = body["refresh_token"].split("_", 2)
    assert stack.scalar(f"SELECT secret_hash = sha256(convert_to('{secret}', 'UTF8')) FROM tokens WHERE id = '{token_id}'") == "t"

    # And rotation goes on: the new refresh token rotates in turn.
    again = refresh(stack, app, body["refresh_token"])
    assert again.status_code == 200
    assert access_works(stack, again.json()["access_token"])
    assert not access_works(stack, body["access_token"])


def test_reuse_revokes_the_whole_family_including_the_newest_pair(stack, factory, setup):
    app, user_id, _, pair, _, _ = setup
    first = refresh(stack, app, pair.refresh).json()
    second = refresh(stack, app, first["refresh_token"]).json()
    assert access_works(stack, second["access_token"])

    replay = refresh(stack, app, pair.refresh)  # the very first refresh token, again
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert factory.grant_state(pair.grant_id) == (True, "refresh_token_reuse")
    # The newest pair, held by whoever rotated last, stops working too.
    assert not access_works(stack, second["access_token"])
    assert not refresh_works(stack, app, second["refresh_token"])
    r = refresh(stack, app, second["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


@pytest.fixture(scope="module")
def busy_stack(make_stack):
    """A stack whose latch-tokens has 5 workers, so that the refreshes really meet in PostgreSQL."""
    return make_stack(workers=5)


def test_concurrent_refreshes_of_one_token_give_exactly_one_success(busy_stack):
    stack = busy_stack
    factory = TokenFactory(stack)
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    results = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def attempt():
        start.wait(timeout=30)
        r = refresh(stack, app, pair.refresh)
        with lock:
            results.append((r.status_code, r.json()))

    errors_before = stack.log("latch-tokens").count('"level":"error"')
    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 10
    statuses = sorted(s for s, _ in results)
    assert statuses == [200] + [400] * 9, statuses
    assert all(body["error"] == "invalid_grant" for s, body in results if s == 400)
    # Exactly one new pair exists; nine presentations of a used token are reuse, which
    # revoked the family (the BCP cannot tell a racing client from a thief).
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE grant_id = '{pair.grant_id}' AND kind = 'refresh'") == "2"
    assert factory.grant_state(pair.grant_id) == (True, "refresh_token_reuse")
    # The audit trail, written by the same statements: one rotation, nine reuses, one revocation.
    assert stack.psql(f"SELECT event, count(*) FROM audit_events WHERE detail->>'grant_id' = '{pair.grant_id}' "
                      f"GROUP BY event ORDER BY event") == \
        [["grant.revoked", "1"], ["refresh.reuse_detected", "9"], ["refresh.rotated", "1"]]
    # No statement failed on the way: no request was logged as an error.
    assert stack.log("latch-tokens").count('"level":"error"') == errors_before


def test_scope_can_narrow_but_never_widen(stack, factory, setup):
    app, user_id, _, pair, read, write = setup
    narrowed = refresh(stack, app, pair.refresh, scope=read)
    assert narrowed.status_code == 200, narrowed.text
    body = narrowed.json()
    assert body["scope"] == read
    assert introspect(stack, app, body["access_token"]).json()["scope"] == read
    # The new refresh token keeps the grant's scope (RFC 6749 §6).
    assert introspect(stack, app, body["refresh_token"]).json()["scope"] == f"{read} {write}"

    other = factory.scope()
    for scope in (other, f"{read} {other}", "no-such-scope", "bad\\scope"):
        r = refresh(stack, app, body["refresh_token"], scope=scope)
        assert r.status_code == 400, scope
        assert r.json()["error"] == "invalid_scope", scope
    # A refused scope does not spend the token: it still rotates, back to the full scope.
    full = refresh(stack, app, body["refresh_token"])
    assert full.status_code == 200
    assert full.json()["scope"] == f"{read} {write}"
    assert factory.grant_state(pair.grant_id) == (False, "")


def test_another_clients_refresh_token_is_invalid_grant_and_left_alone(stack, factory, setup):
    app, _, _, pair, read, write = setup
    thief = factory.app(scope=f"{read} {write}")
    r = refresh(stack, thief, pair.refresh)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"
    # The owner's token was neither spent nor revoked by the attempt.
    assert factory.grant_state(pair.grant_id) == (False, "")
    assert refresh(stack, app, pair.refresh).status_code == 200


def test_two_devices_hold_independent_grants(stack, factory, setup):
    app, user_id, _, laptop, read, write = setup
    phone = factory.tokens(app, user_id, scope=read)
    assert laptop.grant_id != phone.grant_id
    assert refresh(stack, app, laptop.refresh).status_code == 200
    # A replay on the laptop's grant revokes that grant only.
    assert refresh(stack, app, laptop.refresh).json()["error"] == "invalid_grant"
    assert factory.grant_state(laptop.grant_id)[0] is True
    assert factory.grant_state(phone.grant_id) == (False, "")
    assert access_works(stack, phone.access)
    r = refresh(stack, app, phone.refresh)
    assert r.status_code == 200 and r.json()["scope"] == read


@pytest.mark.parametrize("case", ["expired", "revoked_token", "revoked_grant", "disabled_user", "wrong_secret",
                                  "access_token", "malformed", "unknown"])
def test_refresh_tokens_that_are_not_live_are_invalid_grant(stack, factory, case):
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id, refresh_lifetime=-10 if case == "expired" else 2592000)
    presented = pair.refresh
    if case == "revoked_token":
        stack.psql(f"UPDATE tokens SET revoked_at = now() WHERE id = '{pair.refresh_id}'")
    elif case == "revoked_grant":
        stack.psql(f"UPDATE grants SET revoked_at = now(), revoked_reason = 'admin' WHERE id = '{pair.grant_id}'")
    elif case == "disabled_user":
        stack.psql(f"UPDATE users SET disabled_at = now() WHERE id = {user_id}")
    elif case == "wrong_secret":
        presented = pair.refresh[:-4] + ("AAAA" if not pair.refresh.endswith("AAAA") else "BBBB")
    elif case == "access_token":
        presented = pair.access
    elif case == "malformed":
        presented = "lrt_nothex_" + "x" * 43
    elif case == "unknown":
        presented = "lrt_0123456789abcdef_" + "A" * 43
    r = refresh(stack, app, presented)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_grant"
    assert "no-store" in r.headers["Cache-Control"]
    # None of these is a reuse: nothing was used, so the grant's state is what the case made it.
    assert factory.grant_state(pair.grant_id) == ((True, "admin") if case == "revoked_grant" else (False, ""))
    # A wrong secret for a real id neither spends nor burns the real token.
    if case == "wrong_secret":
        assert refresh(stack, app, pair.refresh).status_code == 200


def test_bad_requests(stack, factory, setup):
    app, _, _, pair, _, _ = setup
    r = token_request(stack, app, grant_type="refresh_token")
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/tokens", data=f"grant_type=refresh_token&refresh_token={pair.refresh}&refresh_token={pair.refresh}",
                   headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=app.auth)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = refresh(stack, (type(app))(app.client_id, "lcs_0123456789abcdef_" + "A" * 43), pair.refresh)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"] == 'Basic realm="latch"'
    r = refresh(stack, app, pair.refresh, resource="not a uri")
    assert r.status_code == 400 and r.json()["error"] == "invalid_target"
    # None of the refused requests spent the token.
    assert refresh(stack, app, pair.refresh).status_code == 200


def test_resource_must_match_the_grants_audience(stack, factory):
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id, resource="https://api.example/v1")
    r = refresh(stack, app, pair.refresh, resource="https://other.example/")
    assert r.status_code == 400 and r.json()["error"] == "invalid_target"
    r = refresh(stack, app, pair.refresh, resource="https://api.example/v1")
    assert r.status_code == 200
    assert introspect(stack, app, r.json()["access_token"]).json()["aud"] == "https://api.example/v1"


def test_public_client_rotates_with_client_id_only(stack, factory):
    app = factory.app(public=True)
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    r = refresh(stack, app, pair.refresh)
    assert r.status_code == 200, r.text
    assert access_works(stack, r.json()["access_token"])
    assert not access_works(stack, pair.access)
    assert refresh(stack, app, pair.refresh).json()["error"] == "invalid_grant"
    assert factory.grant_state(pair.grant_id) == (True, "refresh_token_reuse")


def test_authlib_refresh_token(stack, factory, setup):
    app, user_id, _, pair, read, write = setup
    session = OAuth2Session(app.client_id, app.secret, token_endpoint_auth_method="client_secret_basic",
                            token={"access_token": pair.access, "refresh_token": pair.refresh, "token_type": "Bearer"})
    token = session.refresh_token(stack.url("/oauth2/tokens"))
    assert token["access_token"] != pair.access and token["refresh_token"] != pair.refresh
    assert token["scope"] == f"{read} {write}"
    assert session.get(stack.url("/api/v2/users/me")).json()["id"] == user_id
    # authlib with client_secret_post and a narrowed scope, on the token it just got.
    post = OAuth2Session(app.client_id, app.secret, token_endpoint_auth_method="client_secret_post", token=token)
    narrowed = post.refresh_token(stack.url("/oauth2/tokens"), scope=read)
    assert narrowed["scope"] == read
    assert not access_works(stack, token["access_token"])


def test_rotation_racing_revocation_and_user_revocation_never_fails(busy_stack):
    """Refreshes, RFC 7009 revocations and a user's DELETE /oauth2/tokens on the same grants
    at once: every answer is a clean OAuth answer (at most one rotation per token), never a
    5xx — no deadlock or serialization failure reaches a client."""
    stack = busy_stack
    factory = TokenFactory(stack)
    app = factory.app()
    user_id, _ = factory.user()
    cookie, csrf = factory.session(user_id)
    errors_before = stack.log("latch-tokens").count('"level":"error"')
    for _ in range(5):
        pairs = [factory.tokens(app, user_id) for _ in range(2)]
        results = []
        lock = threading.Lock()
        start = threading.Barrier(12)

        def run(kind, pair):
            start.wait(timeout=30)
            if kind == "refresh":
                r = refresh(stack, app, pair.refresh)
            elif kind == "revoke":
                r = stack.post("/oauth2/revoke", data={"token": pair.refresh}, auth=app.auth)
            else:
                r = stack.request("DELETE", f"/oauth2/tokens?client_id={app.client_id}",
                                  cookies={"latch_session": cookie}, headers={"X-CSRF-Token": csrf})
            with lock:
                results.append((kind, pair.grant_id if pair else None, r.status_code))

        jobs = [("refresh", pairs[i % 2]) for i in range(9)] + [("revoke", pairs[0]), ("revoke", pairs[1]), ("user", None)]
        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(results) == 12
        for kind, grant_id, status in results:
            assert status in {"refresh": (200, 400), "revoke": (200,), "user": (204,)}[kind], (kind, status)
        for pair in pairs:
            assert sum(1 for k, g, s in results if k == "refresh" and g == pair.grant_id and s == 200) <= 1
            # Whatever the order, the grant ends revoked (by the user, the client or a reuse).
            assert factory.grant_state(pair.grant_id)[0] is True
    assert stack.log("latch-tokens").count('"level":"error"') == errors_before
