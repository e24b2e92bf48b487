"""POST /oauth2/revoke (RFC 7009)."""
import pytest
from authlib.integrations.requests_client import OAuth2Session

from tokenfactory import access_works, factory, refresh, refresh_works, revoke  # noqa: F401


@pytest.fixture
def owner(factory):
    app = factory.app()
    user_id, _ = factory.user()
    return app, user_id


# (what is presented, hint) → (access token of the pair still works, refresh token still works)
CASES = [
    ("access", None, False, True),
    ("access", "access_token", False, True),
    ("access", "refresh_token", False, True),        # a wrong hint changes nothing
    ("refresh", None, False, False),                  # the grant goes, its access token with it
    ("refresh", "refresh_token", False, False),
    ("refresh", "access_token", False, False),
    ("refresh", "no_such_hint", False, False),
]


@pytest.mark.parametrize("presented,hint,access_alive,refresh_alive", CASES)
def test_revocation_table(stack, factory, owner, presented, hint, access_alive, refresh_alive):
    app, user_id = owner
    pair = factory.tokens(app, user_id)
    extra = {"token_type_hint": hint} if hint else {}
    r = revoke(stack, app, pair.access if presented == "access" else pair.refresh, **extra)
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    assert access_works(stack, pair.access) is access_alive
    assert refresh_works(stack, app, pair.refresh) is refresh_alive
    assert factory.grant_state(pair.grant_id) == ((False, "") if refresh_alive else (True, "client_revoked"))
    # Revoking again is harmless.
    assert revoke(stack, app, pair.access if presented == "access" else pair.refresh, **extra).status_code == 200


def test_revoking_a_refresh_token_ends_its_family_only(stack, factory, owner):
    app, user_id = owner
    laptop = factory.tokens(app, user_id)
    rotated = refresh(stack, app, laptop.refresh).json()
    phone = factory.tokens(app, user_id)
    assert revoke(stack, app, rotated["refresh_token"]).status_code == 200
    assert not access_works(stack, rotated["access_token"])
    r = refresh(stack, app, rotated["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert access_works(stack, phone.access) and refresh_works(stack, app, phone.refresh)


@pytest.mark.parametrize("token", ["", "garbage", "lat_0123456789abcdef_" + "A" * 43, "lrt_0123456789abcdef_" + "A" * 43,
                                   "lcs_0123456789abcdef_" + "A" * 43])
def test_unknown_tokens_are_200(stack, owner, token):
    app, _ = owner
    if token == "":
        r = revoke(stack, app, token)
        assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    else:
        assert revoke(stack, app, token).status_code == 200


def test_wrong_secret_for_a_real_id_revokes_nothing(stack, factory, owner):
    app, user_id = owner
    pair = factory.tokens(app, user_id)
    forged_access = pair.access[:-43] + "A" * 43
    forged_refresh = pair.refresh[:-43] + "A" * 43
    assert revoke(stack, app, forged_access).status_code == 200
    assert revoke(stack, app, forged_refresh).status_code == 200
    assert access_works(stack, pair.access) and refresh_works(stack, app, pair.refresh)


def test_a_client_cannot_revoke_another_clients_token(stack, factory, owner):
    app, user_id = owner
    pair = factory.tokens(app, user_id)
    other = factory.app()
    assert revoke(stack, other, pair.access).status_code == 200
    assert revoke(stack, other, pair.refresh).status_code == 200
    assert access_works(stack, pair.access)
    assert refresh_works(stack, app, pair.refresh)
    assert factory.grant_state(pair.grant_id) == (False, "")


def test_public_client_revokes_its_own_tokens(stack, factory):
    app = factory.app(public=True)
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    assert revoke(stack, app, pair.refresh).status_code == 200
    assert not access_works(stack, pair.access)
    assert factory.grant_state(pair.grant_id) == (True, "client_revoked")


def test_client_authentication_and_bad_requests(stack, factory, owner):
    app, user_id = owner
    pair = factory.tokens(app, user_id)
    r = stack.post("/oauth2/revoke", data={"token": pair.access})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = stack.post("/oauth2/revoke", data={"token": pair.access}, auth=(app.client_id, "lcs_0123456789abcdef_" + "A" * 43))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"] == 'Basic realm="latch"'
    r = stack.post("/oauth2/revoke", data={"token": pair.access, "client_id": app.client_id})  # confidential, no secret
    assert r.status_code == 401
    r = stack.post("/oauth2/revoke", data=f"token={pair.access}&token={pair.refresh}", auth=app.auth,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/revoke", json={"token": pair.access}, auth=app.auth)
    assert r.status_code == 400
    r = stack.get("/oauth2/revoke")
    assert r.status_code == 405
    assert access_works(stack, pair.access)


def test_authlib_revoke_token(stack, factory, owner):
    app, user_id = owner
    pair = factory.tokens(app, user_id)
    session = OAuth2Session(app.client_id, app.secret, token_endpoint_auth_method="client_secret_basic",
                            revocation_endpoint_auth_method="client_secret_basic")
    r = session.revoke_token(stack.url("/oauth2/revoke"), token=pair.access, token_type_hint="access_token")
    assert r.status_code == 200
    assert not access_works(stack, pair.access)
    assert refresh_works(stack, app, pair.refresh)
    r = session.revoke_token(stack.url("/oauth2/revoke"), token=pair.refresh, token_type_hint="refresh_token")
    assert r.status_code == 200
    assert not refresh_works(stack, app, pair.refresh)
