"""The resource registry and open scopes (README "Scopes and resources"; README "Clients and admins"): `latchctl scope add --open`, `latchctl resource …`, the
management API's /resources, latch's own API always registered, and the token endpoint's
`invalid_target` / `invalid_scope` against registered resources."""
import pytest

from clienthelpers import create_user, register, register_resource, unique
from tokenfactory import factory, token_request  # noqa: F401

BASE = "/api/v2/oauth2-provider/resources"


@pytest.fixture(scope="module")
def admin(stack):
    token = stack.latchctl("admin-token", "create", unique("resources-test")).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


# -- scopes ---------------------------------------------------------------------------------

def test_scope_add_open_and_list_shows_it(stack):
    name = unique("tools").replace("-", "_")
    assert stack.latchctl_json("scope", "add", name, "--description", "Use the tools", "--open") == {
        "name": name, "description": "Use the tools", "open": True}
    listed = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert listed[name]["open"] is True
    assert listed["openid"]["open"] is True and listed["offline_access"]["open"] is True
    # Re-adding without --open closes it; openid stays open whatever is asked.
    stack.latchctl("scope", "add", name, "--description", "Use the tools")
    stack.latchctl("scope", "add", "openid", "--description", "Know who you are")
    listed = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert listed[name]["open"] is False and listed["openid"]["open"] is True
    assert "OPEN" in stack.latchctl("scope", "list").stdout.splitlines()[0]


def test_anonymous_registration_is_narrowed_to_open_scopes(stack):
    secret_scope, open_scope = unique("admin").replace("-", "_"), unique("mcp").replace("-", "_")
    stack.latchctl("scope", "add", secret_scope, "--description", "Administer everything")
    stack.latchctl("scope", "add", open_scope, "--description", "Use the tools", "--open")
    r = register(stack, {"redirect_uris": ["https://app.example/cb"], "scope": f"{secret_scope} {open_scope} openid"})
    assert r.status_code == 201, r.text
    assert r.json()["scope"] == f"{open_scope} openid"
    client_id = r.json()["client_id"]
    assert stack.scalar(f"SELECT array_to_string(scope, ' ') FROM clients WHERE client_id = '{client_id}'") == f"{open_scope} openid"


def test_anonymous_client_credentials_never_gets_a_closed_scope(stack):
    """The issue's "anonymous all-scope tokens": an anonymous registration with
    client_credentials got a token with every defined scope, which /oauth2/check accepted.
    TRUST refuses such registrations (400 invalid_client_metadata) and unverified
    client_credentials; whatever gets through, scopes never widen: no closed scope, asked or not."""
    closed = unique("payments").replace("-", "_")
    stack.latchctl("scope", "add", closed, "--description", "Move money")
    r = register(stack, {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_basic"})
    if r.status_code == 400:
        assert r.json()["error"] == "invalid_client_metadata"
        return
    assert r.status_code == 201, r.text
    auth = (r.json()["client_id"], r.json()["client_secret"])
    # Asked for by name (the hole: an empty client list allowed every scope): refused.
    t = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials", "scope": closed}, auth=auth)
    assert t.status_code in (400, 401), t.text
    assert t.json()["error"] in ("invalid_scope", "unauthorized_client")
    # Not asked for: never there either, and the gate refuses a location that requires it.
    t = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=auth)
    if t.status_code != 200:
        assert t.json()["error"] == "unauthorized_client"
        return
    assert closed not in t.json()["scope"].split()
    check = stack.get("/oauth2/check", params={"scope": closed}, headers={"Authorization": f"Bearer {t.json()['access_token']}"})
    assert check.status_code == 403


# -- latchctl resource ------------------------------------------------------------------------

def test_latchctl_resource_add_list_show_delete(stack):
    scope = unique("files").replace("-", "_")
    stack.latchctl("scope", "add", scope, "--description", "Files")
    host = f"{unique('files')}.example"
    uri = f"https://{host}/API/"
    rid = stack.latchctl("resource", "add", uri, "--name", "Files API", "--scopes", scope, "--default-scopes", scope,
                         "--token-format", "jwt", "--dpop-required").stdout.strip()
    assert rid.startswith("res_")
    normal = uri.rstrip("/")  # host already lower case; one trailing slash ignored
    shown = stack.latchctl_json("resource", "show", rid)
    assert {k: v for k, v in shown.items() if k != "created_at"} == {
        "id": rid, "resource": normal, "name": "Files API", "scopes": [scope], "default_scopes": [scope],
        "token_format": "jwt", "dpop_required": True}
    assert stack.latchctl_json("resource", "show", normal.upper() + "/")["id"] == rid
    assert rid in [r["id"] for r in stack.latchctl_json("resource", "list")]
    # The same identifier in another spelling is the same resource: refused.
    again = stack.latchctl("resource", "add", f"HTTPS://{host.upper()}:443/API", "--name", "x", "--scopes", scope, check=False)
    assert again.returncode == 1 and "already registered" in again.stderr
    bad = stack.latchctl("resource", "add", "https://x.example/#f", "--name", "x", "--scopes", scope, check=False)
    assert bad.returncode == 1 and "fragment" in bad.stderr
    undefined = stack.latchctl("resource", "add", "https://y.example/", "--name", "y", "--scopes", "no_such_scope", check=False)
    assert undefined.returncode == 1 and "not defined" in undefined.stderr
    assert stack.latchctl_json("resource", "delete", normal)["deleted"] is True
    assert stack.latchctl("resource", "show", rid, check=False).returncode == 1
    assert "--dpop-required" in stack.latchctl("resource", "add", "--help").stdout


def test_latchs_own_api_is_always_registered_and_can_be_narrowed(stack, factory):
    own = next(r for r in stack.latchctl_json("resource", "list") if r["resource"] == stack.issuer)
    assert "openid" in own["scopes"]
    refused = stack.latchctl("resource", "delete", stack.issuer, check=False)
    if own["id"] == "res_latch":
        assert refused.returncode == 1 and "always registered" in refused.stderr


# -- the management API -----------------------------------------------------------------------

def test_management_api_resources(stack, admin):
    stack.latchctl("scope", "add", "ledger:read", "--description", "Read the ledger")
    stack.latchctl("scope", "add", "ledger:write", "--description", "Write the ledger")
    uri = f"https://{unique('ledger')}.example/v1"
    r = stack.post(BASE, json={"resource": uri, "name": "Ledger", "scopes": ["ledger:read", "ledger:write"],
                               "default_scopes": ["ledger:read"]}, headers=admin)
    assert r.status_code == 201, r.text
    created = r.json()
    assert set(created) == {"id", "resource", "name", "scopes", "default_scopes", "token_format", "dpop_required", "created_at"}
    assert created["token_format"] == "opaque" and created["dpop_required"] is False
    rid = created["id"]
    assert stack.get(f"{BASE}/{rid}", headers=admin).json() == created
    assert rid in [x["id"] for x in stack.get(BASE, headers=admin).json()]
    r = stack.request("PUT", f"{BASE}/{rid}", json={"scopes": ["ledger:read"], "default_scopes": [], "dpop_required": True},
                      headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == ["ledger:read"] and r.json()["dpop_required"] is True and r.json()["resource"] == uri
    r = stack.post(BASE, json={"resource": uri + "/", "name": "Again", "scopes": []}, headers=admin)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    for body in ({"name": "x", "scopes": []}, {"resource": "/rel", "name": "x", "scopes": []},
                 {"resource": "https://z.example", "name": "x", "scopes": ["nope"]},
                 {"resource": "https://z.example", "name": "x", "scopes": [], "token_format": "cbor"},
                 {"resource": "https://z.example", "name": "x", "scopes": "ledger:read"},
                 {"resource": "https://z.example", "name": "", "scopes": []}):
        r = stack.post(BASE, json=body, headers=admin)
        assert r.status_code == 400 and r.json()["error"] == "invalid_request", body
    assert stack.request("DELETE", f"{BASE}/{rid}", headers=admin).status_code == 204
    r = stack.get(f"{BASE}/{rid}", headers=admin)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert stack.request("DELETE", f"{BASE}/{rid}", headers=admin).status_code == 404


def test_management_api_needs_an_admin(stack):
    assert stack.get(BASE).status_code == 401
    assert stack.get(BASE, headers={"Authorization": "Bearer lad_0123456789abcdef_" + "A" * 43}).status_code == 401


# -- the token endpoint against the registry ---------------------------------------------------

def test_token_endpoint_resource_rules(stack, factory):
    read = factory.scope()
    other = factory.scope()
    service = factory.app(scope=f"{read} {other}", client_credentials=True)
    uri = f"https://{unique('inventory')}.example/api"
    factory.resource(uri, scopes=[read], default_scopes=[read])
    # Unregistered, relative, with a fragment: invalid_target.
    for resource in ("https://unregistered.example/api", "/api", uri + "#x"):
        r = token_request(stack, service, grant_type="client_credentials", resource=resource)
        assert r.status_code == 400 and r.json()["error"] == "invalid_target", resource
    # A scope the resource does not accept: invalid_scope.
    r = token_request(stack, service, grant_type="client_credentials", resource=uri, scope=other)
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    r = token_request(stack, service, grant_type="client_credentials", resource=uri, scope=read)
    assert r.status_code == 200 and r.json()["scope"] == read
    token_id = r.json()["access_token"][4:20]
    assert stack.scalar(f"SELECT audience FROM tokens WHERE id = '{token_id}'") == uri
    # Without resource: latch's own API (LATCH_DEFAULT_RESOURCE defaults to it), still one audience.
    r = token_request(stack, service, grant_type="client_credentials")
    assert r.status_code == 200
    token_id = r.json()["access_token"][4:20]
    assert stack.psql(f"SELECT t.audience, g.resource FROM tokens t JOIN grants g ON g.id = t.grant_id "
                      f"WHERE t.id = '{token_id}'") == [[stack.issuer, stack.issuer]]


def test_refresh_keeps_the_audience(stack, factory):
    app = factory.app()
    user_id, _ = factory.user()
    uri = f"https://{unique('keep')}.example/api"
    factory.resource(uri)
    pair = factory.tokens(app, user_id, resource=uri)
    r = token_request(stack, app, grant_type="refresh_token", refresh_token=pair.refresh)
    assert r.status_code == 200
    for token in (r.json()["access_token"], r.json()["refresh_token"]):
        assert stack.scalar(f"SELECT audience FROM tokens WHERE id = '{token[4:20]}'") == uri


def test_an_unregistered_default_resource_is_invalid_target(make_stack):
    other = make_stack({"LATCH_DEFAULT_RESOURCE": "https://not-registered.example/api"})
    scope = unique("svc").replace("-", "_")
    other.latchctl("scope", "add", scope, "--description", "svc")
    client_id = other.latchctl("app", "create", "--name", "svc", "--callback-url", "https://app.example/cb",
                               "--client-credentials").stdout.strip()
    secret = other.latchctl("app", "secret", "create", client_id).stdout.strip()
    r = other.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert r.status_code == 400 and r.json()["error"] == "invalid_target"
    register_resource(other, "https://not-registered.example/api", scopes=[scope])
    r = other.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert r.status_code == 200, r.text
    assert other.scalar(f"SELECT audience FROM tokens WHERE id = '{r.json()['access_token'][4:20]}'") == \
        "https://not-registered.example/api"


def test_narrowing_latchs_own_api(stack, admin, factory):
    """latch's own API accepts every defined scope until an admin narrows it; deleting the
    narrowing row restores that; without a row it cannot be deleted."""
    kept, dropped = factory.scope(), factory.scope()
    service = factory.app(scope=f"{kept} {dropped}", client_credentials=True)
    own = next(r for r in stack.get(BASE, headers=admin).json() if r["resource"] == stack.issuer)
    assert {kept, dropped} <= set(own["scopes"])
    r = stack.request("PUT", f"{BASE}/{own['id']}", json={"resource": "https://elsewhere.example"}, headers=admin)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.request("PUT", f"{BASE}/{own['id']}", json={"scopes": [kept]}, headers=admin)
    assert r.status_code == 200, r.text
    narrowed = r.json()
    assert narrowed["scopes"] == [kept] and narrowed["resource"] == stack.issuer
    try:
        r = token_request(stack, service, grant_type="client_credentials", scope=dropped)
        assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
        r = token_request(stack, service, grant_type="client_credentials")
        assert r.status_code == 200 and r.json()["scope"] == kept
        assert stack.get("/.well-known/oauth-protected-resource").json()["scopes_supported"] == [kept]
    finally:
        assert stack.request("DELETE", f"{BASE}/{narrowed['id']}", headers=admin).status_code == 204
    r = token_request(stack, service, grant_type="client_credentials", scope=dropped)
    assert r.status_code == 200
    r = stack.request("DELETE", f"{BASE}/res_latch", headers=admin)
    assert r.status_code == 400 and "always registered" in r.json()["error_description"]


def test_hostile_resource_names_and_sizes_are_400_not_500(stack, admin):
    for name in ("e" + "\u0301" * 250, "a\nb", "x" * 201):
        r = stack.post(BASE, json={"resource": f"https://{unique('n')}.example", "name": name, "scopes": []}, headers=admin)
        assert r.status_code == 400 and r.json()["error"] == "invalid_request", name
    r = stack.post(BASE, json={"resource": "https://x.example/" + "a" * 3000, "name": "long", "scopes": []}, headers=admin)
    assert r.status_code == 400
    r = stack.post(BASE, data="{", headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 400


def test_a_bearer_token_for_another_resource_cannot_revoke_through_latchs_api(stack, factory):
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id, resource="https://elsewhere.example/api")
    r = stack.request("DELETE", f"/oauth2/tokens?client_id={app.client_id}",
                      headers={"Authorization": f"Bearer {pair.access}"})
    assert r.status_code == 401
    assert stack.scalar(f"SELECT revoked_at IS NULL FROM grants WHERE id = '{pair.grant_id}'") == "t"


def test_an_unverified_client_is_refused_a_closed_scope_at_authorize(stack):
    """An empty registered scope list gives an unverified client the open scopes only, at
    authorize too (the error reaches the client by redirect, or — for unverified clients, once
    the trust model routes it — through latch's error page naming it)."""
    from urllib.parse import parse_qs, urlsplit

    from authflow import Browser, authorize_params, make_user, pkce_pair
    closed, opened = unique("closed").replace("-", "_"), unique("opened").replace("-", "_")
    stack.latchctl("scope", "add", closed, "--description", "Closed")
    stack.latchctl("scope", "add", opened, "--description", "Opened", "--open")
    r = register(stack, {"redirect_uris": ["https://unverified.example/cb"], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    client_id = r.json()["client_id"]
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    _, challenge = pkce_pair()
    r = browser.authorize(authorize_params(client_id, challenge, redirect_uri="https://unverified.example/cb",
                                           state="s1", scope=closed))
    if r.status_code == 302:
        assert parse_qs(urlsplit(r.headers["Location"]).query)["error"] == ["invalid_scope"]
    else:
        assert r.status_code == 400 and "invalid_scope" in r.text
    r = browser.authorize(authorize_params(client_id, challenge, redirect_uri="https://unverified.example/cb",
                                           state="s2", scope=f"{opened} openid"))
    assert r.status_code == 200 and opened in r.text  # the consent page


def test_rfc7592_update_is_narrowed_too(stack):
    closed, opened = unique("closed").replace("-", "_"), unique("opened").replace("-", "_")
    stack.latchctl("scope", "add", closed, "--description", "Closed")
    stack.latchctl("scope", "add", opened, "--description", "Opened", "--open")
    r = register(stack, {"redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    info = r.json()
    r = stack.request("PUT", f"/oauth2/clients/{info['client_id']}",
                      json={"client_id": info["client_id"], "redirect_uris": ["https://app.example/cb"],
                            "token_endpoint_auth_method": "none", "scope": f"{closed} {opened}"},
                      headers={"Authorization": f"Bearer {info['registration_access_token']}"})
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == opened
