"""grant_type=client_credentials: a token for a confidential client itself."""
import pytest
from authlib.integrations.requests_client import OAuth2Session

from tokenfactory import access_works, bearer, factory, introspect, token_request  # noqa: F401


@pytest.fixture
def service(factory):
    read, write, other = factory.scope(), factory.scope(), factory.scope()
    app = factory.app(scope=f"{read} {write}", client_credentials=True)
    return app, read, write, other


def test_issues_an_access_token_and_no_refresh_token(stack, service):
    app, read, write, _ = service
    r = token_request(stack, app, grant_type="client_credentials", scope=read)
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Pragma"] == "no-cache"
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == read
    token = body["access_token"]
    token_id = token.split("_")[1]
    # Stored as a grant with no user, and nothing but the access token.
    grant = stack.psql(f"SELECT g.user_id IS NULL, g.client_id, g.scope FROM grants g JOIN tokens t ON t.grant_id = g.id "
                       f"WHERE t.id = '{token_id}'")
    assert grant == [["t", app.client_id, read]]
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE grant_id = (SELECT grant_id FROM tokens WHERE id = '{token_id}')") == "1"
    # A resource server sees the client, and no user.
    check = stack.get("/oauth2/check", headers=bearer(token))
    assert check.status_code == 204
    assert check.headers["X-Latch-Client"] == app.client_id and check.headers["X-Latch-Scope"] == read
    assert check.headers["X-Latch-User"] == "" and check.headers["X-Latch-User-Id"] == ""
    assert stack.get("/api/v2/users/me", headers=bearer(token)).status_code == 403
    doc = introspect(stack, app, token).json()
    assert doc["active"] is True and doc["sub"] == app.client_id and doc["client_id"] == app.client_id
    assert "username" not in doc


def test_without_scope_gets_the_registered_scopes(stack, service):
    app, read, write, _ = service
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 200
    assert r.json()["scope"] == f"{read} {write}"


def test_client_secret_post_works_too(stack, service):
    app, read, _, _ = service
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials", "client_id": app.client_id,
                                           "client_secret": app.secret, "scope": read})
    assert r.status_code == 200 and r.json()["scope"] == read


@pytest.mark.parametrize("scope_of", ["outside", "unknown", "malformed", "partly_outside"])
def test_scope_is_limited_to_the_clients_registered_scopes(stack, service, scope_of):
    app, read, _, other = service
    scope = {"outside": other, "unknown": "nope-not-defined", "malformed": "a\\b",
             "partly_outside": f"{read} {other}"}[scope_of]
    r = token_request(stack, app, grant_type="client_credentials", scope=scope)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_scope"



def test_a_client_without_a_scope_list_may_ask_for_any_defined_scope_only(stack, factory):
    defined = factory.scope()
    app = factory.app(client_credentials=True)
    tokens_before = stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{app.client_id}'")
    r = token_request(stack, app, grant_type="client_credentials", scope=f"{defined} nope_not_defined")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    assert "nope_not_defined" in r.json()["error_description"]
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{app.client_id}'") == tokens_before
    assert stack.scalar(f"SELECT count(*) FROM grants WHERE client_id = '{app.client_id}'") == "0"
    r = token_request(stack, app, grant_type="client_credentials", scope=defined)
    assert r.status_code == 200 and r.json()["scope"] == defined


def test_a_registered_scope_the_deployment_no_longer_defines_is_left_out(stack, factory):
    first, gone, last = factory.scope(), factory.scope(), factory.scope()
    app = factory.app(scope=f"{first} {gone} {last}", client_credentials=True)
    stack.psql(f"DELETE FROM scopes WHERE name = '{gone}'")
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 200 and r.json()["scope"] == f"{first} {last}"
    token_id = r.json()["access_token"].split("_")[1]
    assert stack.scalar(f"SELECT scope FROM tokens WHERE id = '{token_id}'") == f"{first} {last}"
    r = token_request(stack, app, grant_type="client_credentials", scope=f"{first} {gone}")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"


def test_a_secrets_use_is_recorded_at_most_once_a_minute(stack, service):
    app, read, _, _ = service
    secret_id = app.secret.split("_")[1]

    def last_used():
        return stack.scalar(f"SELECT extract(epoch FROM last_used_at)::numeric(20,6) FROM client_secrets WHERE id = '{secret_id}'")

    assert token_request(stack, app, grant_type="client_credentials").status_code == 200
    first = last_used()
    assert first not in (None, "")
    stack.psql(f"UPDATE client_secrets SET last_used_at = now() - interval '30 seconds' WHERE id = '{secret_id}'")
    recent = last_used()
    assert token_request(stack, app, grant_type="client_credentials").status_code == 200
    assert last_used() == recent                          # used 30 s ago: not written again
    stack.psql(f"UPDATE client_secrets SET last_used_at = now() - interval '2 minutes' WHERE id = '{secret_id}'")
    stale = last_used()
    assert token_request(stack, app, grant_type="client_credentials").status_code == 200
    assert float(last_used()) > float(stale) + 100        # over a minute ago: recorded now


def test_refusals(stack, factory, service):
    app, _, _, _ = service
    # A public client has no credentials to authenticate with: not for this grant.
    public = factory.app(public=True)
    r = token_request(stack, public, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    # Even when its registration lists the grant (defence in depth in the handler).
    stack.psql(f"UPDATE clients SET grant_types = grant_types || '{{client_credentials}}' WHERE client_id = '{public.client_id}'")
    r = token_request(stack, public, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    # A confidential client not registered for the grant.
    plain = factory.app()
    r = token_request(stack, plain, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    # Bad or missing credentials.
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(app.client_id, "lcs_0123456789abcdef_" + "A" * 43))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"] == 'Basic realm="latch"'
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials", "client_id": app.client_id})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = token_request(stack, app, grant_type="client_credentials", resource="relative/path")
    assert r.status_code == 400 and r.json()["error"] == "invalid_target"
    assert stack.scalar(f"SELECT count(*) FROM grants WHERE client_id IN ('{public.client_id}', '{plain.client_id}')") == "0"


def test_resource_becomes_the_audience(stack, service):
    app, read, _, _ = service
    # Revision 2: the resource must be registered (else invalid_target), and must accept the scopes.
    from clienthelpers import register_resource
    register_resource(stack, "https://api.example/orders", scopes=[read])
    r = token_request(stack, app, grant_type="client_credentials", resource="https://API.example:443/orders/")
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == read  # the registered scopes the resource accepts
    assert introspect(stack, app, r.json()["access_token"]).json()["aud"] == "https://api.example/orders"


def test_authlib_fetches_a_client_credentials_token(stack, service):
    app, read, _, _ = service
    session = OAuth2Session(app.client_id, app.secret, token_endpoint_auth_method="client_secret_basic", scope=read)
    token = session.fetch_token(stack.url("/oauth2/tokens"), grant_type="client_credentials")
    assert token["scope"] == read and "refresh_token" not in token
    assert access_works(stack, token["access_token"])
