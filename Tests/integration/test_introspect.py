"""POST /oauth2/introspect (RFC 7662)."""
import time

import pytest
from authlib.integrations.requests_client import OAuth2Session

from tokenfactory import factory, introspect, refresh, token_request  # noqa: F401

INACTIVE = {"active": False}


@pytest.fixture
def world(stack, factory):
    read, write = factory.scope(), factory.scope()
    app = factory.app(scope=f"{read} {write}")
    resource_server = factory.app()
    user_id, username = factory.user()
    pair = factory.tokens(app, user_id, scope=f"{read} {write}")
    return app, resource_server, user_id, username, pair, f"{read} {write}"


def test_active_access_token(stack, world):
    app, resource_server, user_id, username, pair, scope = world
    before = int(time.time())
    r = introspect(stack, resource_server, pair.access)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json" and r.headers["Cache-Control"] == "no-store"
    doc = r.json()
    assert doc["active"] is True
    assert doc["scope"] == scope
    assert doc["client_id"] == app.client_id
    assert doc["username"] == username
    assert doc["sub"] == str(user_id)
    assert doc["aud"] == stack.issuer  # revision 2: always a resource (latch's own API here)
    assert doc["iss"] == stack.issuer
    assert doc["token_type"] == "Bearer"
    assert isinstance(doc["exp"], int) and isinstance(doc["iat"], int)
    assert before - 60 <= doc["iat"] <= before + 60
    assert doc["exp"] - doc["iat"] == 3600


def test_refresh_token_only_for_its_own_client(stack, world):
    app, resource_server, user_id, _, pair, scope = world
    doc = introspect(stack, app, pair.refresh).json()
    assert doc["active"] is True and doc["token_type"] == "refresh_token" and doc["scope"] == scope
    assert doc["sub"] == str(user_id) and doc["exp"] - doc["iat"] == 2592000
    # A resource server never receives refresh tokens: to it they are exactly inactive.
    assert introspect(stack, resource_server, pair.refresh).json() == INACTIVE


def test_client_credentials_token(stack, factory):
    service = factory.app(client_credentials=True)
    factory.resource("https://api.example/")
    token = token_request(stack, service, grant_type="client_credentials", resource="https://api.example/").json()["access_token"]
    doc = introspect(stack, factory.app(), token).json()
    assert doc["active"] is True
    assert doc["sub"] == service.client_id and doc["client_id"] == service.client_id
    assert doc["aud"] == "https://api.example" and "username" not in doc  # normalised (one trailing slash ignored)


@pytest.mark.parametrize("state", ["revoked", "expired", "rotated_access", "rotated_refresh", "grant_revoked",
                                   "user_disabled", "wrong_secret", "unknown", "garbage", "code", "client_deleted"])
def test_anything_not_live_is_exactly_inactive(stack, factory, world, state):
    app, resource_server, user_id, _, _, scope = world
    pair = factory.tokens(app, user_id, scope=scope, access_lifetime=-5 if state == "expired" else 3600)
    token, asker = pair.access, resource_server
    if state == "revoked":
        stack.psql(f"UPDATE tokens SET revoked_at = now() WHERE id = '{pair.access_id}'")
    elif state in ("rotated_access", "rotated_refresh"):
        assert refresh(stack, app, pair.refresh).status_code == 200
        if state == "rotated_refresh":
            token, asker = pair.refresh, app
    elif state == "grant_revoked":
        stack.psql(f"UPDATE grants SET revoked_at = now() WHERE id = '{pair.grant_id}'")
    elif state == "user_disabled":
        stack.psql(f"UPDATE users SET disabled_at = now() WHERE id = {user_id}")
    elif state == "wrong_secret":
        token = pair.access[:-43] + "A" * 43
    elif state == "unknown":
        token = "lat_0123456789abcdef_" + "A" * 43
    elif state == "garbage":
        token = "not a token at all"
    elif state == "code":
        token = factory.code(app, user_id).value
    elif state == "client_deleted":
        stack.psql(f"DELETE FROM clients WHERE client_id = '{app.client_id}'")
    r = introspect(stack, asker, token)
    assert r.status_code == 200
    assert r.text.replace(" ", "") == '{"active":false}'
    assert r.json() == INACTIVE


def test_who_may_introspect(stack, factory, world):
    app, resource_server, _, _, pair, _ = world
    r = stack.post("/oauth2/introspect", data={"token": pair.access})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = stack.post("/oauth2/introspect", data={"token": pair.access}, auth=(resource_server.client_id, "lcs_0123456789abcdef_" + "A" * 43))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # A public client cannot authenticate, so it may not introspect (RFC 7662 §4).
    public = factory.app(public=True)
    r = introspect(stack, public, pair.access)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert "active" not in r.json()
    # client_secret_post is as good as Basic.
    r = stack.post("/oauth2/introspect", data={"token": pair.access, "client_id": resource_server.client_id,
                                                "client_secret": resource_server.secret})
    assert r.status_code == 200 and r.json()["active"] is True


def test_bad_requests(stack, world):
    app, resource_server, _, _, pair, _ = world
    r = stack.post("/oauth2/introspect", data={}, auth=resource_server.auth)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/introspect", data=f"token={pair.access}&token={pair.access}", auth=resource_server.auth,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/introspect", json={"token": pair.access}, auth=resource_server.auth)
    assert r.status_code == 400
    assert stack.get("/oauth2/introspect").status_code == 405


def test_authlib_introspect_token(stack, world):
    app, resource_server, user_id, username, pair, scope = world
    session = OAuth2Session(resource_server.client_id, resource_server.secret,
                            token_endpoint_auth_method="client_secret_basic")
    r = session.introspect_token(stack.url("/oauth2/introspect"), token=pair.access, token_type_hint="access_token")
    assert r.status_code == 200
    assert r.json()["active"] is True and r.json()["username"] == username
    r = session.introspect_token(stack.url("/oauth2/introspect"), token="lat_0123456789abcdef_" + "B" * 43)
    assert r.json() == INACTIVE
