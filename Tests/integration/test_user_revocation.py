"""DELETE /oauth2/tokens?client_id=…: a person revokes an app, by bearer token or by
session cookie + CSRF."""
import pytest

from tokenfactory import access_works, bearer, factory, refresh, refresh_works  # noqa: F401


@pytest.fixture
def world(stack, factory):
    """alice holds two devices' grants and a pending code for app, and a grant for other;
    bob holds a grant for app."""
    app, other = factory.app(), factory.app()
    alice, _ = factory.user()
    bob, _ = factory.user()
    w = {
        "app": app, "other": other, "alice": alice, "bob_id": bob,
        "laptop": factory.tokens(app, alice),
        "phone": factory.tokens(app, alice),
        "code": factory.code(app, alice),
        "alice_other": factory.tokens(other, alice),
        "bob": factory.tokens(app, bob),
    }
    return w


def assert_revoked_for_alice_only(stack, factory, w):
    app = w["app"]
    for device in ("laptop", "phone"):
        pair = w[device]
        assert not access_works(stack, pair.access), device
        assert not refresh_works(stack, app, pair.refresh), device
        assert factory.grant_state(pair.grant_id) == (True, "user")
    r = refresh(stack, app, w["phone"].refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert stack.scalar(f"SELECT count(*) FROM authorization_codes WHERE id = '{w['code'].id}'") == "0"
    # Nobody else's tokens, and none of alice's other apps'.
    assert access_works(stack, w["bob"].access) and refresh_works(stack, app, w["bob"].refresh)
    assert access_works(stack, w["alice_other"].access)
    assert refresh_works(stack, w["other"], w["alice_other"].refresh)


def test_bearer_token_revokes_its_own_app_for_its_user(stack, factory, world):
    w = world
    r = stack.request("DELETE", f"/oauth2/tokens?client_id={w['app'].client_id}", headers=bearer(w["laptop"].access))
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_revoked_for_alice_only(stack, factory, w)
    # Idempotent: nothing left to revoke is still 204 (with a token that still works).
    r = stack.request("DELETE", f"/oauth2/tokens?client_id={w['other'].client_id}", headers=bearer(w["alice_other"].access))
    assert r.status_code == 204
    r = stack.request("DELETE", f"/oauth2/tokens?client_id={w['other'].client_id}", headers=bearer(w["alice_other"].access))
    assert r.status_code == 401  # …which the first call revoked


@pytest.mark.parametrize("where", ["header", "form"])
def test_session_with_csrf_revokes_any_of_the_users_apps(stack, factory, world, where):
    w = world
    cookie, csrf = factory.session(w["alice"])
    path = f"/oauth2/tokens?client_id={w['app'].client_id}"
    kwargs = {"cookies": {"latch_session": cookie}}
    if where == "header":
        kwargs["headers"] = {"X-CSRF-Token": csrf}
    else:
        kwargs["data"] = {"csrf_token": csrf}
    r = stack.request("DELETE", path, **kwargs)
    assert r.status_code == 204, r.text
    assert_revoked_for_alice_only(stack, factory, w)


def test_session_without_valid_csrf_is_403_and_revokes_nothing(stack, factory, world):
    w = world
    cookie, csrf = factory.session(w["alice"])
    other_cookie, other_csrf = factory.session(w["bob_id"])
    path = f"/oauth2/tokens?client_id={w['app'].client_id}"
    for headers in ({}, {"X-CSRF-Token": "x" * 43}, {"X-CSRF-Token": other_csrf}, {"X-CSRF-Token": csrf[:-1]}):
        r = stack.request("DELETE", path, cookies={"latch_session": cookie}, headers=headers)
        assert r.status_code == 403, headers
        assert r.json()["error"] == "forbidden"
    # Revision 2: the right token in the query is never read (URLs reach logs and histories).
    r = stack.request("DELETE", path + f"&csrf_token={csrf}", cookies={"latch_session": cookie})
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert access_works(stack, w["laptop"].access) and access_works(stack, w["phone"].access)
    assert stack.scalar(f"SELECT count(*) FROM authorization_codes WHERE id = '{w['code'].id}'") == "1"


def test_refusals(stack, factory, world):
    w = world
    app, other = w["app"], w["other"]
    path = f"/oauth2/tokens?client_id={app.client_id}"
    # Nobody: 401 with the challenge.
    r = stack.request("DELETE", path)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer resource_metadata=")
    # An invalid or revoked bearer token.
    r = stack.request("DELETE", path, headers=bearer(w["laptop"].access[:-43] + "A" * 43))
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    # A refresh token is not a bearer token.
    assert stack.request("DELETE", path, headers=bearer(w["laptop"].refresh)).status_code == 401
    # A token of another app may not disconnect this one.
    r = stack.request("DELETE", path, headers=bearer(w["alice_other"].access))
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    # A client_credentials token acts for no user.
    service = factory.app(client_credentials=True)
    cc = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=service.auth).json()["access_token"]
    r = stack.request("DELETE", f"/oauth2/tokens?client_id={service.client_id}", headers=bearer(cc))
    assert r.status_code == 403
    # Bad requests.
    r = stack.request("DELETE", "/oauth2/tokens", headers=bearer(w["laptop"].access))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.request("DELETE", f"{path}&client_id={other.client_id}", headers=bearer(w["laptop"].access))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.request("DELETE", f"{path}&access_token={w['laptop'].access}")
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.request("DELETE", path, data={"access_token": w["laptop"].access})
    assert r.status_code == 400
    r = stack.request("PUT", path, headers=bearer(w["laptop"].access))
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == {"DELETE", "POST"}
    # After all that, nothing was revoked.
    for key in ("laptop", "phone", "alice_other", "bob"):
        assert access_works(stack, w[key].access), key


def test_unknown_app_is_204(stack, factory, world):
    r = stack.request("DELETE", "/oauth2/tokens?client_id=app_doesnotexist", headers=bearer(world["laptop"].access))
    assert r.status_code == 403  # a bearer token may only name its own app
    cookie, csrf = factory.session(world["alice"])
    r = stack.request("DELETE", "/oauth2/tokens?client_id=app_doesnotexist", cookies={"latch_session": cookie},
                      headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    assert access_works(stack, world["laptop"].access)
