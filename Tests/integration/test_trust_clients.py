"""The client trust model, its administration side (README "The client trust model"; README "Clients and admins"; SECURITY.md "What was checked"):

- origin and verified in every listing: management API, console (list and app page),
  `latchctl app list|show` (and `--json`), the DBA view `dba.clients` (no hashes);
- registration with `Authorization: Bearer <admin token>` makes a verified `admin` client,
  anonymous registration an unverified `dynamic` one; a bad admin token is 401, never an
  anonymous registration; anonymous `client_credentials` is 400 invalid_client_metadata;
- verify / unverify through latchctl, the management API's `{"verified": …}` PUT and the
  console button (CSRF), each audited and changing nothing else;
- client names (1–100 Unicode scalars, no control, format or bidi characters, at most two
  combining marks in a row) at every door;
- redirect schemes: the operating-system handler deny list for unverified clients."""
import html
import json
import re

import pytest

from authflow import ensure_scopes, remember, unique
from clienthelpers import bearer, register
from consolepages import create_app, csrf_of, signed_in

APPS = "/api/v2/oauth2-provider/apps"


@pytest.fixture(scope="module")
def stack(make_stack):
    """A stack of this module's own: it registers more clients than the default rate limit allows."""
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


@pytest.fixture(scope="module")
def admin_token(stack):
    return remember(stack, stack.latchctl("admin-token", "create", unique("trust-admin")).stdout.strip())


@pytest.fixture(scope="module")
def admin(stack):
    ensure_scopes(stack)
    return signed_in(stack, admin=True)[0]


def keep(stack, body):
    """The registration answer, its credentials remembered for the storage scan."""
    remember(stack, body.get("client_secret"), body.get("registration_access_token"))
    return body


def anonymous(stack, **metadata):
    body = {"redirect_uris": ["https://anon.example/cb"], "client_name": unique("Anon")}
    body.update(metadata)
    r = register(stack, body)
    assert r.status_code == 201, r.text
    return keep(stack, r.json())


def api_app(stack, admin_token, client_id):
    r = stack.get(f"{APPS}/{client_id}", headers=bearer(admin_token))
    assert r.status_code == 200, r.text
    return r.json()


def audit_rows(stack, client_id, event):
    return stack.psql(f"SELECT actor, detail::text FROM audit_events WHERE client_id = '{client_id}' AND event = '{event}' "
                      f"ORDER BY id")


# -- registration: who registers decides origin and verified ---------------------------------

def test_anonymous_registration_makes_an_unverified_dynamic_client(stack, admin_token):
    client = anonymous(stack)
    shown = api_app(stack, admin_token, client["client_id"])
    assert shown["origin"] == "dynamic" and shown["verified"] is False
    assert stack.psql(f"SELECT origin, verified FROM clients WHERE client_id = '{client['client_id']}'") == [["dynamic", "f"]]


def test_admin_token_registration_makes_a_verified_admin_client(stack, admin_token):
    r = register(stack, {"grant_types": ["client_credentials"], "client_name": unique("Batch")}, headers=bearer(admin_token))
    assert r.status_code == 201, r.text
    client = keep(stack, r.json())
    shown = api_app(stack, admin_token, client["client_id"])
    assert shown["origin"] == "admin" and shown["verified"] is True
    # A verified confidential client may use client_credentials.
    t = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"},
                   auth=(client["client_id"], client["client_secret"]))
    assert t.status_code == 200, t.text
    remember(stack, t.json()["access_token"])
    actor = audit_rows(stack, client["client_id"], "client.registered")[0][0]
    assert actor.startswith("admin-token:trust-admin")


def test_a_bad_admin_token_is_401_never_an_anonymous_registration(stack):
    before = stack.scalar("SELECT count(*) FROM clients")
    for header in ["Bearer lad_0000000000000000_" + "A" * 43, "Bearer not-a-token", "Basic YTpi"]:
        r = register(stack, {"redirect_uris": ["https://anon.example/cb"]}, headers={"Authorization": header})
        assert r.status_code == 401, (header, r.status_code, r.text)
        assert r.json()["error"] == "invalid_token"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert stack.scalar("SELECT count(*) FROM clients") == before


@pytest.mark.parametrize("grants", [["client_credentials"], ["authorization_code", "refresh_token", "client_credentials"]])
def test_anonymous_client_credentials_is_invalid_client_metadata(stack, grants):
    before = stack.scalar("SELECT count(*) FROM clients")
    r = register(stack, {"grant_types": grants, "redirect_uris": ["https://anon.example/cb"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", r.text
    assert stack.scalar("SELECT count(*) FROM clients") == before


# -- listings: origin and verified everywhere ------------------------------------------------

def test_every_listing_shows_origin_and_verified(stack, admin, admin_token):
    client_id = anonymous(stack, client_name=unique("ListedDynamic"))["client_id"]
    made = stack.latchctl("app", "create", "--name", unique("ListedAdmin"), "--callback-url",
                          "https://listed.example/cb").stdout.strip()

    # Management API: the list and one app.
    listed = {a["id"]: a for a in stack.get(APPS, headers=bearer(admin_token)).json()}
    assert (listed[client_id]["origin"], listed[client_id]["verified"]) == ("dynamic", False)
    assert (listed[made]["origin"], listed[made]["verified"]) == ("admin", True)

    # latchctl: table, --json list, show.
    table = stack.latchctl("app", "list").stdout.splitlines()
    assert table[0].split()[:4] == ["CLIENT_ID", "NAME", "ORIGIN", "VERIFIED"]
    row = next(line for line in table if line.startswith(client_id)).split()
    assert row[2:4] == ["dynamic", "no"]
    as_json = {a["id"]: a for a in stack.latchctl_json("app", "list")}
    assert (as_json[client_id]["origin"], as_json[client_id]["verified"]) == ("dynamic", False)
    shown = stack.latchctl_json("app", "show", client_id)
    assert (shown["origin"], shown["verified"]) == ("dynamic", False)
    text = stack.latchctl("app", "show", made).stdout
    assert re.search(r"^origin:\s+admin$", text, re.M) and re.search(r"^verified:\s+yes$", text, re.M)

    # Console: the list's row and the app's page.
    listing = admin.get("/admin/apps").text
    row = re.search(rf'<tr data-client-id="{client_id}">(.*?)</tr>', listing, re.S).group(1)
    assert "dynamic" in row and "unverified" in row
    page = admin.get(f"/admin/apps/{client_id}").text
    assert re.search(r'<dd class="origin"><code>dynamic</code></dd>', page)
    assert re.search(r'<dd class="verified">no', page)

    # DBA view: origin and verified, and never a hash or secret column.
    assert stack.psql(f"SELECT origin, verified FROM dba.clients WHERE client_id = '{client_id}'") == [["dynamic", "f"]]
    columns = [r[0] for r in stack.psql("SELECT column_name FROM information_schema.columns "
                                        "WHERE table_schema = 'dba' AND table_name = 'clients'")]
    assert "verified" in columns and "origin" in columns
    assert not [c for c in columns if "hash" in c or c.startswith("registration_token") or c == "secret"]


# -- verify / unverify -----------------------------------------------------------------------

def test_latchctl_verify_and_unverify(stack, admin_token):
    client = anonymous(stack)
    client_id = client["client_id"]
    out = stack.latchctl("app", "verify", client_id).stdout
    assert "verified" in out
    assert api_app(stack, admin_token, client_id)["verified"] is True
    assert stack.latchctl_json("app", "unverify", client_id)["verified"] is False
    assert api_app(stack, admin_token, client_id)["verified"] is False
    assert [r[0] for r in audit_rows(stack, client_id, "client.verified")] == ["latchctl"]
    assert [r[0] for r in audit_rows(stack, client_id, "client.unverified")] == ["latchctl"]
    # Unknown app: exit 1; an admin's app cannot be unverified (same rule as the API).
    assert stack.latchctl("app", "verify", "app_00000000000000000000", check=False).returncode == 1
    made = stack.latchctl("app", "create", "--name", unique("Admin App"), "--callback-url", "https://a.example/cb").stdout.strip()
    r = stack.latchctl("app", "unverify", made, check=False)
    assert r.returncode == 1 and "always verified" in r.stderr
    assert stack.latchctl_json("app", "show", made)["verified"] is True


def test_api_put_with_only_verified_changes_nothing_else(stack, admin_token):
    client = anonymous(stack, client_name=unique("Put Verified"), logo_uri="https://anon.example/logo.png")
    client_id = client["client_id"]
    before = api_app(stack, admin_token, client_id)
    r = stack.request("PUT", f"{APPS}/{client_id}", json={"verified": True}, headers=bearer(admin_token))
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["verified"] is True
    assert {k: v for k, v in after.items() if k != "verified"} == {k: v for k, v in before.items() if k != "verified"}
    assert api_app(stack, admin_token, client_id) == after
    actor, detail = audit_rows(stack, client_id, "client.verified")[0]
    assert actor.startswith("admin-token:trust-admin") and json.loads(detail)["via"] == "management_api"

    r = stack.request("PUT", f"{APPS}/{client_id}", json={"verified": False}, headers=bearer(admin_token))
    assert r.status_code == 200 and r.json()["verified"] is False
    assert len(audit_rows(stack, client_id, "client.unverified")) == 1

    for bad in [{"verified": "yes"}, {"verified": None}, {"verified": 1}]:
        r = stack.request("PUT", f"{APPS}/{client_id}", json=bad, headers=bearer(admin_token))
        assert r.status_code == 400, (bad, r.text)
    # A full replacement may carry verified back only unchanged.
    shown = api_app(stack, admin_token, client_id)
    r = stack.request("PUT", f"{APPS}/{client_id}", json=dict(shown, verified=True), headers=bearer(admin_token))
    assert r.status_code == 400 and "verified" in r.json()["error_description"]
    assert api_app(stack, admin_token, client_id)["verified"] is False
    # An admin's app is always verified; an unknown one is 404.
    made = stack.post(APPS, json={"name": unique("Api App"), "callback_url": "https://a.example/cb"},
                      headers=bearer(admin_token)).json()
    assert (made["origin"], made["verified"]) == ("admin", True)
    r = stack.request("PUT", f"{APPS}/{made['id']}", json={"verified": False}, headers=bearer(admin_token))
    assert r.status_code == 400 and api_app(stack, admin_token, made["id"])["verified"] is True
    r = stack.request("PUT", f"{APPS}/app_00000000000000000000", json={"verified": True}, headers=bearer(admin_token))
    assert r.status_code == 404


def test_api_post_may_name_client_credentials_but_not_origin_or_verified(stack, admin_token):
    r = stack.post(APPS, json={"name": unique("Svc"), "callback_url": "https://svc.example/cb",
                               "grant_types": ["authorization_code", "refresh_token", "client_credentials"]},
                   headers=bearer(admin_token))
    assert r.status_code == 201, r.text
    assert "client_credentials" in r.json()["grant_types"] and r.json()["verified"] is True
    for member in [{"verified": False}, {"origin": "dynamic"}]:
        r = stack.post(APPS, json={"name": unique("Svc"), "callback_url": "https://svc.example/cb", **member},
                       headers=bearer(admin_token))
        assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", r.text


def test_console_button_verifies_with_csrf_only(stack, admin, admin_token):
    client_id = anonymous(stack)["client_id"]
    page = admin.get(f"/admin/apps/{client_id}")
    assert f'action="/admin/apps/{client_id}/verify"' in page.text
    # Without the CSRF token: 403 and nothing changes.
    r = admin.post(f"/admin/apps/{client_id}/verify", data={"verified": "true"})
    assert r.status_code == 403
    assert api_app(stack, admin_token, client_id)["verified"] is False
    r = admin.post(f"/admin/apps/{client_id}/verify", data={"verified": "true", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/apps/{client_id}?notice=verified"
    assert api_app(stack, admin_token, client_id)["verified"] is True
    assert audit_rows(stack, client_id, "client.verified")
    page = admin.get(f"/admin/apps/{client_id}")
    assert re.search(r'<dd class="verified">yes', page.text) and "Unverify" in page.text
    r = admin.post(f"/admin/apps/{client_id}/verify", data={"verified": "false", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and api_app(stack, admin_token, client_id)["verified"] is False
    r = admin.post(f"/admin/apps/{client_id}/verify", data={"verified": "maybe", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 400
    # A person who is not an admin: 403.
    person, _ = signed_in(stack)
    page = person.get("/account/apps")
    r = person.post(f"/admin/apps/{client_id}/verify", data={"verified": "true", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 403 and api_app(stack, admin_token, client_id)["verified"] is False


# -- client names: one rule at every door ---------------------------------------------------

BAD_NAMES = [
    "x" * 101,                                   # 101 Unicode scalars
    "Z" + "\u0336" * 6009,                       # one grapheme of 6,010 scalars
    "e\u0301\u0302\u0303",                       # three combining marks in a row
    "Sign in with \u202eelgooG",                 # RIGHT-TO-LEFT OVERRIDE
    "Pay\u2067Pal",                              # RIGHT-TO-LEFT ISOLATE
    "Goo\u200bgle",                              # ZERO WIDTH SPACE (format)
    "new\nline", "nul\u0000", "c1\u0085",        # controls
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_bad_client_names_are_refused_at_every_door(stack, admin, admin_token, name):
    before = stack.scalar("SELECT count(*) FROM clients")
    r = register(stack, {"redirect_uris": ["https://anon.example/cb"], "client_name": name})
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", r.text
    r = stack.post(APPS, json={"name": name, "callback_url": "https://a.example/cb"}, headers=bearer(admin_token))
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", r.text
    if "\u0000" not in name:  # a NUL is refused before any rule by the form decoder, and cannot be an argument
        r = create_app(admin, name, ["https://a.example/cb"])
        assert r.status_code == 400 and '<p class="error" role="alert">' in r.text
        r = stack.latchctl("app", "create", "--name", name, "--callback-url", "https://a.example/cb", check=False)
        assert r.returncode == 64, r.stderr
    assert stack.scalar("SELECT count(*) FROM clients") == before


def test_good_client_names_are_kept_as_sent(stack, admin_token):
    for name in ["x" * 100, "Caf\u00e9 \u65e5\u672c", "e\u0301\u0302 two marks", "Emoji \U0001F680 app"]:
        client = anonymous(stack, client_name=name)
        assert client["client_name"] == name
        assert api_app(stack, admin_token, client["client_id"])["name"] == name


# -- redirect schemes -------------------------------------------------------------------------

@pytest.mark.parametrize("uri", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "ftp://f.example/cb",
                                 "vbscript:msgbox", "blob:https://a.example/1"])
def test_dangerous_schemes_are_refused_for_everyone(stack, admin_token, uri):
    assert register(stack, {"redirect_uris": [uri]}).json()["error"] == "invalid_redirect_uri"
    r = register(stack, {"redirect_uris": [uri]}, headers=bearer(admin_token))
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri"
    r = stack.post(APPS, json={"name": "x", "callback_url": uri}, headers=bearer(admin_token))
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize("uri", ["ms-msdt:/id%20PCWDiagnostic", "ms-officecmd:open", "ms-word:ofe|u|https://evil.example/a.docx",
                                 "search-ms:query=invoice&crumb=location:%5C%5Cevil.example%5Cshare",
                                 "intent://scan/path", "jar:https://evil.example/a.jar!/x",
                                 "MS-APPINSTALLER:?source=https://evil.example/x", "shell:startup"])
def test_os_handler_schemes_only_for_verified_clients(stack, admin_token, uri):
    r = register(stack, {"redirect_uris": [uri], "token_endpoint_auth_method": "none"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri", r.text
    # An admin (verified) may register it.
    r = register(stack, {"redirect_uris": [uri], "token_endpoint_auth_method": "none"}, headers=bearer(admin_token))
    assert r.status_code == 201, r.text
    remember(stack, r.json()["registration_access_token"])


def test_an_unverified_client_cannot_add_an_os_handler_scheme_later(stack):
    client = anonymous(stack, token_endpoint_auth_method="none")
    uri = client["registration_client_uri"].replace(stack.issuer, "")
    body = {"client_id": client["client_id"], "redirect_uris": ["https://anon.example/cb", "ms-msdt:/id%20x"],
            "token_endpoint_auth_method": "none"}
    r = stack.request("PUT", uri, json=body, headers=bearer(client["registration_access_token"]))
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri", r.text
    assert stack.scalar(f"SELECT redirect_uris::text FROM clients WHERE client_id = '{client['client_id']}'") \
        == "{https://anon.example/cb}"


def test_developer_tool_schemes_stay_open_to_unverified_clients(stack):
    for uri in ["vscode://anon.ext/cb", "jetbrains://gateway/cb", "myapp://cb", "com.example.app:/oauth",
                "http://localhost/callback"]:
        r = register(stack, {"redirect_uris": [uri], "token_endpoint_auth_method": "none"})
        assert r.status_code == 201, (uri, r.text)
        remember(stack, r.json()["registration_access_token"])
