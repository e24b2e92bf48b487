"""GET /oauth2/check asked directly, with the query parameters `resource` and `scope` (README "Protect your API with latch: the gate"): audience and scope enforcement, the RFC 6750 /
RFC 9728 challenges, the answer headers, and bad input."""
import pytest

from clienthelpers import bearer, register_resource, unique
from tokenfactory import factory  # noqa: F401

API = "https://payments.example/api"


@pytest.fixture
def world(stack, factory):
    pay = factory.scope(unique("pay").replace("-", "_"))
    register_resource(stack, API, scopes=[pay])
    app = factory.app()
    user_id, username = factory.user()
    payments = factory.tokens(app, user_id, scope=pay, resource=API)
    own = factory.tokens(app, user_id, scope=pay)
    return {"pay": pay, "app": app, "user_id": user_id, "username": username, "payments": payments, "own": own}


def check(stack, token=None, **query):
    return stack.get("/oauth2/check", params=query, headers=bearer(token) if token else {})


def test_a_token_for_another_resource_is_refused_everywhere(stack, world):
    """The issue's "audience never enforced": a payments token was accepted by latch's own API
    and by the gate, which told the upstream nothing about the audience."""
    token = world["payments"].access
    r = check(stack, token)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith(
        f'Bearer resource_metadata="{stack.issuer}/.well-known/oauth-protected-resource", error="invalid_token"')
    r = stack.get("/api/v2/users/me", headers=bearer(token))
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    r = check(stack, token, resource=API)
    assert r.status_code == 204
    assert r.headers["X-Latch-Audience"] == API
    # Equivalent spellings of the identifier are the same resource (RFC 3986 section 6.2.2).
    assert check(stack, token, resource="HTTPS://Payments.example:443/api/").status_code == 204
    # The own-API token is refused at the payments location.
    r = check(stack, world["own"].access, resource=API)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == (
        'Bearer resource_metadata="https://payments.example/.well-known/oauth-protected-resource/api", '
        'error="invalid_token", error_description="the access token is invalid, expired, revoked or meant for another resource"')


def test_latchs_own_api_refuses_a_token_meant_for_another_resource(stack, factory):
    """The same hole without the registry: a token whose audience is another resource (stored
    as latch stores it) must not open latch's own API or the gate's default location."""
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id, resource=API)
    assert stack.get("/api/v2/users/me", headers=bearer(pair.access)).status_code == 401
    r = check(stack, pair.access)
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_204_carries_every_header(stack, world):
    r = check(stack, world["payments"].access, resource=API, scope=world["pay"])
    assert r.status_code == 204
    assert {k: r.headers[k] for k in ("X-Latch-User", "X-Latch-User-Id", "X-Latch-Client", "X-Latch-Client-Verified",
                                      "X-Latch-Scope", "X-Latch-Audience")} == {
        "X-Latch-User": world["username"], "X-Latch-User-Id": str(world["user_id"]),
        "X-Latch-Client": world["app"].client_id, "X-Latch-Client-Verified": "true",
        "X-Latch-Scope": world["pay"], "X-Latch-Audience": API}


def test_unverified_clients_are_named_so(stack, world, factory):
    app = factory.app()
    stack.psql(f"UPDATE clients SET origin = 'dynamic', verified = false WHERE client_id = '{app.client_id}'")
    pair = factory.tokens(app, world["user_id"])
    r = check(stack, pair.access)
    assert r.status_code == 204 and r.headers["X-Latch-Client-Verified"] == "false"


def test_missing_token_and_missing_scope_challenges(stack, world):
    r = check(stack, resource=API, scope=f"{world['pay']} refunds")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == (
        f'Bearer resource_metadata="https://payments.example/.well-known/oauth-protected-resource/api", '
        f'scope="{world["pay"]} refunds"')
    r = check(stack, world["payments"].access, resource=API, scope=f"{world['pay']} refunds")
    assert r.status_code == 403
    assert r.json()["error"] == "insufficient_scope"
    assert r.headers["WWW-Authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{world["pay"]} refunds", '
        f'resource_metadata="https://payments.example/.well-known/oauth-protected-resource/api"')


@pytest.mark.parametrize("query", [{"resource": "/relative"}, {"resource": "https://x.example/#frag"},
                                   {"scope": "a  b"}, {"scope": 'a"b'}])
def test_bad_location_parameters_are_400(stack, world, query):
    r = check(stack, world["payments"].access, **query)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_repeated_location_parameters_are_400(stack, world):
    r = stack.get(f"/oauth2/check?resource={API}&resource=https://other.example", headers=bearer(world["payments"].access))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
