"""The management API (/api/v2/oauth2-provider/apps…): shapes, CRUD, and who may use it."""
import pytest

from clienthelpers import basic, bearer, create_user, make_access_token, make_session, me_status, unique

APPS = "/api/v2/oauth2-provider/apps"
# Revision 2 adds grant_types, origin and verified (README "Clients and admins").
APP_KEYS = ["id", "name", "callback_url", "redirect_uris", "icon", "scope", "grant_types", "token_endpoint_auth_method",
            "origin", "verified", "created_at"]


@pytest.fixture(scope="module")
def admin_token(stack):
    return stack.latchctl("admin-token", "create", unique("api-test")).stdout.strip()


@pytest.fixture(scope="module")
def admin_session(stack):
    admin = create_user(stack, admin=True)
    return make_session(stack, admin["id"])


@pytest.fixture(scope="module")
def user_session(stack):
    person = create_user(stack)
    return make_session(stack, person["id"])


def create_app(stack, token, **fields):
    body = {"name": unique("app"), "callback_url": "https://app.example.com/cb"}
    body.update(fields)
    r = stack.post(APPS, json=body, headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()


# -- authorization ------------------------------------------------------------------------

def every_route(app_id, secret_id):
    return [
        ("GET", APPS, None),
        ("POST", APPS, {"name": "x", "callback_url": "https://x.example.com/cb"}),
        ("GET", f"{APPS}/{app_id}", None),
        ("PUT", f"{APPS}/{app_id}", {"name": "x", "callback_url": "https://x.example.com/cb"}),
        ("DELETE", f"{APPS}/{app_id}", None),
        ("GET", f"{APPS}/{app_id}/secrets", None),
        ("POST", f"{APPS}/{app_id}/secrets", None),
        ("DELETE", f"{APPS}/{app_id}/secrets/{secret_id}", None),
    ]


def test_no_credential_is_401_and_a_non_admin_403_on_every_route(stack, admin_token, user_session):
    app = create_app(stack, admin_token)
    secret = stack.post(f"{APPS}/{app['id']}/secrets", headers=bearer(admin_token)).json()
    person = create_user(stack)
    person_token, _ = make_access_token(stack, app["id"], person["id"])
    cookies, csrf = user_session
    for method, path, body in every_route(app["id"], secret["id"]):
        r = stack.request(method, path, json=body)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.json()["error"] == "invalid_token"
        for token in ("lad_0000000000000000_" + "A" * 43, admin_token[:-2] + "xx", person_token, "nonsense"):
            assert stack.request(method, path, json=body, headers=bearer(token)).status_code == 401, (method, path, token)
        assert stack.request(method, path, json=body, headers={"Authorization": "Basic YTpi"}).status_code == 401
        r = stack.request(method, path, json=body, cookies=cookies, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["error"] == "forbidden"
        # An expired or forged session is no credential at all.
        assert stack.request(method, path, json=body, cookies={"latch_session": "lss_0000000000000000_" + "A" * 43}).status_code == 401
    # Nothing was changed by any of those requests.
    assert stack.get(f"{APPS}/{app['id']}", headers=bearer(admin_token)).json() == app
    assert len(stack.get(f"{APPS}/{app['id']}/secrets", headers=bearer(admin_token)).json()) == 1


def test_admin_session_needs_csrf_for_changes_but_not_for_reads(stack, admin_session):
    cookies, csrf = admin_session
    assert stack.get(APPS, cookies=cookies).status_code == 200
    body = {"name": unique("session-app"), "callback_url": "https://s.example.com/cb"}
    assert stack.post(APPS, json=body, cookies=cookies).status_code == 403
    assert stack.post(APPS, json=body, cookies=cookies, headers={"X-CSRF-Token": csrf + "x"}).status_code == 403
    assert stack.scalar(f"SELECT count(*) FROM clients WHERE name = '{body['name']}'") == "0"
    r = stack.post(APPS, json=body, cookies=cookies, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    app = r.json()
    # The token may also come as a csrf_token member of the JSON body.
    r = stack.request("PUT", f"{APPS}/{app['id']}", json=dict(body, name="renamed", csrf_token=csrf), cookies=cookies)
    assert r.status_code == 200 and r.json()["name"] == "renamed"
    assert stack.request("DELETE", f"{APPS}/{app['id']}", cookies=cookies).status_code == 403
    assert stack.request("DELETE", f"{APPS}/{app['id']}", cookies=cookies, headers={"X-CSRF-Token": csrf}).status_code == 204


def test_admin_token_use_is_recorded_and_a_revoked_token_stops_working(stack):
    name = unique("short-lived")
    created = stack.latchctl_json("admin-token", "create", name)
    assert stack.scalar(f"SELECT last_used_at IS NULL FROM admin_tokens WHERE id = '{created['id']}'") == "t"
    assert stack.get(APPS, headers=bearer(created["token"])).status_code == 200
    assert stack.scalar(f"SELECT last_used_at IS NOT NULL FROM admin_tokens WHERE id = '{created['id']}'") == "t"
    stack.latchctl("admin-token", "revoke", created["id"])
    assert stack.get(APPS, headers=bearer(created["token"])).status_code == 401


# -- apps ---------------------------------------------------------------------------------

def test_app_crud(stack, admin_token):
    scope = unique("api") + ":read"
    stack.latchctl("scope", "add", scope, "--description", "read")
    r = stack.post(APPS, json={"name": "Café <Ünïcode> & \"quotes\"", "callback_url": "https://app.example.com/cb",
                               "icon": "https://app.example.com/icon.png", "scope": scope}, headers=bearer(admin_token))
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json"
    app = r.json()
    assert list(app) == APP_KEYS
    assert app["id"].startswith("app_")
    assert app["name"] == "Café <Ünïcode> & \"quotes\""
    assert app["callback_url"] == "https://app.example.com/cb"
    assert app["redirect_uris"] == ["https://app.example.com/cb"]
    assert app["icon"] == "https://app.example.com/icon.png"
    assert app["scope"] == scope
    assert app["token_endpoint_auth_method"] == "client_secret_basic"
    assert app["created_at"].endswith("Z")
    assert stack.scalar(f"SELECT origin FROM clients WHERE client_id = '{app['id']}'") == "admin"

    listed = stack.get(APPS, headers=bearer(admin_token)).json()
    assert app in listed
    assert stack.get(f"{APPS}/{app['id']}", headers=bearer(admin_token)).json() == app

    # PUT replaces; the GET shape may be sent back as it is.
    replacement = dict(app, name="Renamed", callback_url="https://app.example.com/new",
                       redirect_uris=["https://app.example.com/other"], icon=None, scope="")
    r = stack.request("PUT", f"{APPS}/{app['id']}", json=replacement, headers=bearer(admin_token))
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["name"] == "Renamed"
    assert updated["callback_url"] == "https://app.example.com/new"
    assert updated["redirect_uris"] == ["https://app.example.com/new", "https://app.example.com/other"]
    assert updated["icon"] is None and updated["scope"] == ""
    assert updated["created_at"] == app["created_at"]
    assert stack.get(f"{APPS}/{app['id']}", headers=bearer(admin_token)).json() == updated

    assert stack.request("DELETE", f"{APPS}/{app['id']}", headers=bearer(admin_token)).status_code == 204
    for method in ("GET", "PUT", "DELETE"):
        r = stack.request(method, f"{APPS}/{app['id']}", json=replacement, headers=bearer(admin_token))
        assert r.status_code == 404
        assert set(r.json()) == {"error", "error_description"}
    assert stack.get(f"{APPS}/{app['id']}/secrets", headers=bearer(admin_token)).status_code == 404


BAD_APPS = [
    ("no name", {"callback_url": "https://a.example.com/cb"}, "invalid_client_metadata"),
    ("empty name", {"name": "", "callback_url": "https://a.example.com/cb"}, "invalid_client_metadata"),
    ("name not a string", {"name": 5, "callback_url": "https://a.example.com/cb"}, "invalid_client_metadata"),
    ("no callback", {"name": "a"}, "invalid_redirect_uri"),
    ("javascript callback", {"name": "a", "callback_url": "javascript:alert(1)"}, "invalid_redirect_uri"),
    ("data callback", {"name": "a", "callback_url": "data:text/html,hi"}, "invalid_redirect_uri"),
    ("http callback", {"name": "a", "callback_url": "http://a.example.com/cb"}, "invalid_redirect_uri"),
    ("fragment callback", {"name": "a", "callback_url": "https://a.example.com/cb#x"}, "invalid_redirect_uri"),
    ("relative callback", {"name": "a", "callback_url": "/cb"}, "invalid_redirect_uri"),
    ("bad extra redirect", {"name": "a", "callback_url": "https://a.example.com/cb", "redirect_uris": ["file:///x"]}, "invalid_redirect_uri"),
    ("icon javascript", {"name": "a", "callback_url": "https://a.example.com/cb", "icon": "javascript:x"}, "invalid_client_metadata"),
    ("undefined scope", {"name": "a", "callback_url": "https://a.example.com/cb", "scope": "nope-not-defined"}, "invalid_client_metadata"),
    ("unknown field", {"name": "a", "callback_url": "https://a.example.com/cb", "callbackUrl": "x"}, "invalid_client_metadata"),
]


@pytest.mark.parametrize("why,body,error", BAD_APPS, ids=[b[0] for b in BAD_APPS])
def test_bad_app_bodies_are_refused(stack, admin_token, why, body, error):
    r = stack.post(APPS, json=body, headers=bearer(admin_token))
    assert r.status_code == 400, (why, r.text)
    assert r.json()["error"] == error, why


def test_custom_scheme_and_loopback_callbacks_are_allowed(stack, admin_token):
    for uri in ("jetbrains://idea/oauth", "http://127.0.0.1:8000/cb", "com.example.app:/cb"):
        assert create_app(stack, admin_token, callback_url=uri)["callback_url"] == uri


def test_put_cannot_change_id_or_auth_method(stack, admin_token):
    app = create_app(stack, admin_token)
    for change in ({"id": "app_other"}, {"token_endpoint_auth_method": "none"}):
        r = stack.request("PUT", f"{APPS}/{app['id']}", json=dict(app, **change), headers=bearer(admin_token))
        assert r.status_code == 400, change
    assert stack.get(f"{APPS}/{app['id']}", headers=bearer(admin_token)).json() == app


def test_wrong_content_type_and_malformed_json(stack, admin_token):
    r = stack.post(APPS, data="name=a&callback_url=https://a.example.com/cb", headers=dict(
        bearer(admin_token), **{"Content-Type": "application/x-www-form-urlencoded"}))
    assert r.status_code == 400
    r = stack.post(APPS, data=b'{"name":"a","name":"b","callback_url":"https://a.example.com/cb"}',
                   headers=dict(bearer(admin_token), **{"Content-Type": "application/json"}))
    assert r.status_code == 400 and "duplicate" in r.json()["error_description"]


def test_deleting_an_app_stops_its_tokens_at_once(stack, admin_token):
    app = create_app(stack, admin_token)
    person = create_user(stack)
    token, _ = make_access_token(stack, app["id"], person["id"])
    assert me_status(stack, token) == 200
    assert stack.request("DELETE", f"{APPS}/{app['id']}", headers=bearer(admin_token)).status_code == 204
    assert me_status(stack, token) == 401


# -- secrets ------------------------------------------------------------------------------

def test_secrets_lifecycle_and_a_deleted_secret_stops_working(stack, admin_token):
    client_id = stack.latchctl("app", "create", "--name", unique("cc"), "--callback-url", "https://cc.example.com/cb",
                               "--client-credentials").stdout.strip()
    r = stack.post(f"{APPS}/{client_id}/secrets", headers=bearer(admin_token))
    assert r.status_code == 201, r.text
    assert r.headers["Cache-Control"] == "no-store"
    created = r.json()
    assert list(created) == ["id", "client_secret_full"]
    secret = created["client_secret_full"]
    assert secret.startswith("lcs_" + created["id"] + "_")

    listed = stack.get(f"{APPS}/{client_id}/secrets", headers=bearer(admin_token)).json()
    assert [list(s) for s in listed] == [["id", "client_secret_truncated", "created_at", "last_used_at"]]
    assert listed[0]["id"] == created["id"]
    assert secret[21:] not in listed[0]["client_secret_truncated"]
    assert listed[0]["last_used_at"] is None

    # The secret authenticates at the token endpoint (so the request reaches the grant) ...
    token_request = {"grant_type": "client_credentials"}
    r = stack.post("/oauth2/tokens", data=token_request, headers=basic(client_id, secret))
    assert r.status_code != 401, r.text
    assert stack.get(f"{APPS}/{client_id}/secrets", headers=bearer(admin_token)).json()[0]["last_used_at"] is not None

    # ... and after DELETE it does not, at once.
    r = stack.request("DELETE", f"{APPS}/{client_id}/secrets/{created['id']}", headers=bearer(admin_token))
    assert r.status_code == 204
    r = stack.post("/oauth2/tokens", data=token_request, headers=basic(client_id, secret))
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    assert stack.get(f"{APPS}/{client_id}/secrets", headers=bearer(admin_token)).json() == []
    r = stack.request("DELETE", f"{APPS}/{client_id}/secrets/{created['id']}", headers=bearer(admin_token))
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_secrets_of_unknown_and_public_apps(stack, admin_token):
    assert stack.post(f"{APPS}/app_nope/secrets", headers=bearer(admin_token)).status_code == 404
    assert stack.get(f"{APPS}/app_nope/secrets", headers=bearer(admin_token)).status_code == 404
    public = stack.latchctl("app", "create", "--name", unique("pub"), "--callback-url", "http://127.0.0.1/cb", "--public").stdout.strip()
    r = stack.post(f"{APPS}/{public}/secrets", headers=bearer(admin_token))
    assert r.status_code == 400
    # A secret id of one app cannot be deleted through another.
    a = create_app(stack, admin_token)
    b = create_app(stack, admin_token)
    secret = stack.post(f"{APPS}/{a['id']}/secrets", headers=bearer(admin_token)).json()
    assert stack.request("DELETE", f"{APPS}/{b['id']}/secrets/{secret['id']}", headers=bearer(admin_token)).status_code == 404
    assert len(stack.get(f"{APPS}/{a['id']}/secrets", headers=bearer(admin_token)).json()) == 1
