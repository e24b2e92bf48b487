"""The admin console (/admin/…) over HTTP, as a browser without JavaScript uses it: who may
reach it, CSRF on every form, the same rules and storage as the management API, secrets
shown once, scopes, and every value HTML-escaped."""
import html
import re

import pytest

from authflow import Browser, authorize_params, ensure_scopes, exchange, make_user, me, pkce_pair, remember, unique
from clienthelpers import bearer
from consolepages import create_app, create_secret, created_client_id, csrf_of, secret_ids, signed_in

APPS_API = "/api/v2/oauth2-provider/apps"
XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def admin(stack):
    ensure_scopes(stack)
    return signed_in(stack, admin=True)[0]


@pytest.fixture(scope="module")
def admin_token(stack):
    return remember(stack, stack.latchctl("admin-token", "create", unique("console-test")).stdout.strip())


@pytest.fixture(scope="module")
def app(stack, admin):
    """An app made through the console, with one secret."""
    client_id = created_client_id(create_app(admin, unique("Console App"), ["https://console.example/cb"],
                                             scopes=["profile"]))
    _, secret = create_secret(admin, client_id)
    page = admin.get(f"/admin/apps/{client_id}")
    return {"client_id": client_id, "secret": secret, "secret_id": secret_ids(page.text)[0]}


def pages(client_id, secret_id):
    """Every console page and form: (method, path)."""
    return [
        ("GET", "/admin/apps"), ("GET", "/admin/apps/new"), ("POST", "/admin/apps"),
        ("GET", f"/admin/apps/{client_id}"), ("GET", f"/admin/apps/{client_id}/edit"), ("POST", f"/admin/apps/{client_id}"),
        ("GET", f"/admin/apps/{client_id}/delete"), ("POST", f"/admin/apps/{client_id}/delete"),
        ("POST", f"/admin/apps/{client_id}/secrets"), ("POST", f"/admin/apps/{client_id}/secrets/{secret_id}/revoke"),
        ("GET", "/admin/scopes"), ("POST", "/admin/scopes"),
    ]


def app_state(stack, client_id):
    """What a refused request must leave as it was: the app row and its secrets."""
    return (stack.psql(f"SELECT name, redirect_uris, scope FROM clients WHERE client_id = '{client_id}'"),
            stack.psql(f"SELECT id FROM client_secrets WHERE client_id = '{client_id}' ORDER BY id"))


FORM_BODY = {"name": "changed", "redirect_uris": "https://changed.example/cb", "type": "confidential",
             "description": "changed"}


# -- who may reach it ------------------------------------------------------------------------

def test_signed_out_people_are_sent_to_sign_in_first(stack, app):
    before = app_state(stack, app["client_id"])
    apps_count = stack.scalar("SELECT count(*) FROM clients")
    for method, path in pages(app["client_id"], app["secret_id"]):
        r = stack.request(method, path, data=FORM_BODY if method == "POST" else None)
        assert r.status_code == 303, (method, path, r.status_code)
        expected = path if method == "GET" else "/admin/apps"
        assert r.headers["Location"] == "/login?next=" + expected.replace("/", "%2F"), (method, path)
    assert app_state(stack, app["client_id"]) == before
    assert stack.scalar("SELECT count(*) FROM clients") == apps_count
    # After signing in, the browser comes back to the page it asked for.
    name, password = make_user(stack, admin=True)
    browser = Browser(stack)
    r = browser.sign_in(name, password, next_path=f"/admin/apps/{app['client_id']}")
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/apps/{app['client_id']}"
    assert browser.get(r.headers["Location"]).status_code == 200


def test_people_who_are_not_admins_get_403_on_every_page(stack, app):
    browser, _ = signed_in(stack, admin=False)
    csrf = csrf_of(browser.get("/account/apps").text)
    before = app_state(stack, app["client_id"])
    for method, path in pages(app["client_id"], app["secret_id"]):
        data = dict(FORM_BODY, csrf_token=csrf) if method == "POST" else None
        r = browser.session.request(method, stack.url(path), data=data, allow_redirects=False, timeout=30)
        assert r.status_code == 403, (method, path, r.status_code)
        assert r.headers["Content-Type"].startswith("text/html")
        assert "<h1>Admins only</h1>" in r.text
        assert r.headers["X-Frame-Options"] == "DENY"
    assert app_state(stack, app["client_id"]) == before
    assert stack.scalar("SELECT count(*) FROM clients WHERE name = 'changed'") == "0"


def test_every_form_without_the_csrf_token_is_403_and_changes_nothing(stack, admin, app):
    other_browser, _ = signed_in(stack, admin=True)
    other_csrf = csrf_of(other_browser.get("/admin/apps").text)
    before = app_state(stack, app["client_id"])
    scopes_before = stack.psql("SELECT name, description FROM scopes ORDER BY name")
    apps_count = stack.scalar("SELECT count(*) FROM clients")
    for method, path in pages(app["client_id"], app["secret_id"]):
        if method != "POST":
            continue
        for why, kwargs in [("none", {"data": FORM_BODY}),
                            ("empty", {"data": dict(FORM_BODY, csrf_token="")}),
                            ("another session's", {"data": dict(FORM_BODY, csrf_token=other_csrf)}),
                            ("in a JSON body", {"json": dict(FORM_BODY, csrf_token=csrf_of(admin.get("/admin/apps").text))})]:
            r = admin.post(path, **kwargs)
            assert r.status_code == 403, (path, why, r.status_code)
            assert "CSRF token is missing or wrong" in r.text, (path, why)
    assert app_state(stack, app["client_id"]) == before
    assert stack.psql("SELECT name, description FROM scopes ORDER BY name") == scopes_before
    assert stack.scalar("SELECT count(*) FROM clients") == apps_count
    # The secret still works, so the revoke form without a token did nothing.
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x"},
                   auth=(app["client_id"], app["secret"]))
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_console_pages_carry_the_anti_framing_headers(stack, admin, app):
    for path in ["/admin/apps", "/admin/apps/new", f"/admin/apps/{app['client_id']}", "/admin/scopes",
                 f"/admin/apps/{app['client_id']}/delete"]:
        r = admin.get(path)
        assert r.status_code == 200, path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
        assert "script-src" not in r.headers["Content-Security-Policy"], path
        assert r.headers["Cache-Control"] == "no-store", path
        assert "<script" not in r.text, path


def test_admin_links_in_the_header_and_on_the_landing_page(stack, admin):
    home = admin.get("/")
    assert 'href="/admin/apps"' in home.text and 'href="/account/apps"' in home.text
    header = re.search(r"<header>.*?</header>", admin.get("/admin/scopes").text, re.S).group(0)
    assert 'href="/admin/apps"' in header and 'href="/account/apps"' in header
    person, _ = signed_in(stack)
    home = person.get("/")
    assert 'href="/account/apps"' in home.text and "/admin" not in home.text
    assert 'href="/account/apps"' not in stack.get("/").text


# -- apps --------------------------------------------------------------------------------

def test_created_app_is_listed_and_is_the_same_app_the_management_api_shows(stack, admin, admin_token):
    name = unique("Listed App")
    uris = ["https://listed.example/cb", "http://127.0.0.1:9999/cb", "myapp://callback"]
    client_id = created_client_id(create_app(admin, name, uris, scopes=["profile", "email"], icon="https://listed.example/i.png"))
    shown = stack.get(f"{APPS_API}/{client_id}", headers=bearer(admin_token)).json()
    assert shown["name"] == name
    assert shown["redirect_uris"] == uris and shown["callback_url"] == uris[0]
    assert shown["scope"] == "profile email"
    assert shown["icon"] == "https://listed.example/i.png"
    assert shown["token_endpoint_auth_method"] == "client_secret_basic"

    page = admin.get(f"/admin/apps/{client_id}?notice=created")
    assert "App created." in page.text
    listing = admin.get("/admin/apps").text
    row = re.search(rf'<tr data-client-id="{client_id}">(.*?)</tr>', listing, re.S).group(1)
    cells = [html.unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[0] == name.split()
    assert cells[1] == [client_id]
    assert cells[2] == uris
    assert cells[3] == ["client_secret_basic"]
    assert cells[4] == ["profile", "email"]
    assert cells[5] == [shown["created_at"][:10]]
    assert f'title="{shown["created_at"][:10]} {shown["created_at"][11:16]} UTC"' in row
    assert cells[6] == ["0"]


@pytest.mark.parametrize("kind,method,grants", [
    ("public", "none", ["authorization_code", "refresh_token"]),
    ("confidential+client_credentials", "client_secret_basic", ["authorization_code", "refresh_token", "client_credentials"]),
])
def test_other_kinds_of_app(stack, admin, kind, method, grants):
    client_id = created_client_id(create_app(admin, unique(kind), ["https://kinds.example/cb"], kind=kind))
    shown = stack.latchctl_json("app", "show", client_id)
    assert shown["token_endpoint_auth_method"] == method
    assert shown["grant_types"] == grants
    page = admin.get(f"/admin/apps/{client_id}").text
    if kind == "public":
        assert "A public client has no secrets" in page and "Create a secret" not in page
        r, secret = create_secret(admin, client_id)
        assert r.status_code == 400 and secret is None
        assert "public client" in r.text
    else:
        r, secret = create_secret(admin, client_id)
        token = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
        assert token.status_code == 200, token.text
        remember(stack, token.json()["access_token"])


# The same redirect-URI rules as the management API: each URI is accepted by both or refused by both.
URIS = ["https://ok.example/cb", "http://127.0.0.1:8000/cb", "http://[::1]/cb", "jetbrains://idea/oauth",
        "com.example.app:/cb", "http://ok.example/cb", "https://ok.example/cb#frag", "/relative", "javascript:alert(1)",
        "data:text/html,hi", "file:///etc/passwd", "vbscript:x", "ftp://ok.example/", "blob:https://ok.example/x",
        "not a uri"]


@pytest.mark.parametrize("uri", URIS)
def test_redirect_uri_rules_are_the_management_apis(stack, admin, admin_token, uri):
    api = stack.post(APPS_API, json={"name": unique("rules"), "callback_url": uri}, headers=bearer(admin_token))
    assert api.status_code in (201, 400), api.text
    console = create_app(admin, unique("rules"), ["https://first.example/cb", uri])
    if api.status_code == 201:
        created_client_id(console)
    else:
        assert api.json()["error"] == "invalid_redirect_uri"
        assert console.status_code == 400, uri
        assert api.json()["error_description"] in html.unescape(console.text)
        # The form comes back with what was typed.
        assert f">https://first.example/cb\n{html.escape(uri)}</textarea>" in console.text


def test_other_bad_fields_are_refused_with_the_form_kept(stack, admin):
    name = unique("kept")
    cases = [
        ({"name": ""}, "name is required"),
        ({"name": "x" * 101}, "name is longer than 100 characters"),  # revision 2: 1-100 Unicode scalars
        ({"redirect_uris": "  \n "}, "callback_url is required"),
        ({"icon": "javascript:alert(1)"}, "icon must be an absolute https URL"),
        ({"scope": "not-a-defined-scope"}, "scope 'not-a-defined-scope' is not defined"),
        ({"type": "superuser"}, "choose the kind of app"),
        ({"redirect_uris": "\n".join(f"https://many.example/{i}" for i in range(22))}, "more than 20 entries"),
    ]
    count = stack.scalar("SELECT count(*) FROM clients")
    for change, message in cases:
        page = admin.get("/admin/apps/new")
        fields = {"name": name, "redirect_uris": "https://kept.example/cb", "icon": "", "type": "confidential",
                  "csrf_token": csrf_of(page.text)}
        fields.update(change)
        r = admin.post("/admin/apps", data=fields)
        assert r.status_code == 400, change
        assert message in html.unescape(r.text), change
        if "name" not in change:
            assert f'value="{name}"' in r.text
    assert stack.scalar("SELECT count(*) FROM clients") == count


def test_edit_changes_the_fields_and_keeps_the_secret(stack, admin, admin_token):
    client_id = created_client_id(create_app(admin, unique("Before"), ["https://before.example/cb"]))
    _, secret = create_secret(admin, client_id)
    form = admin.get(f"/admin/apps/{client_id}/edit")
    assert form.status_code == 200
    assert "https://before.example/cb</textarea>" in form.text
    assert 'name="type"' not in form.text           # the kind of an app cannot change
    new_name = unique("After")
    r = admin.post(f"/admin/apps/{client_id}", data=[
        ("name", new_name), ("redirect_uris", "https://after.example/cb\r\nhttps://after.example/cb2\r\n"),
        ("icon", ""), ("scope", "email"), ("csrf_token", csrf_of(form.text))])
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/apps/{client_id}?notice=saved"
    shown = stack.get(f"{APPS_API}/{client_id}", headers=bearer(admin_token)).json()
    assert (shown["name"], shown["redirect_uris"], shown["scope"]) == (
        new_name, ["https://after.example/cb", "https://after.example/cb2"], "email")
    assert "Changes saved." in admin.get(r.headers["Location"]).text
    # A refused edit changes nothing.
    r = admin.post(f"/admin/apps/{client_id}", data={"name": "x", "redirect_uris": "http://evil.example/cb",
                                                     "csrf_token": csrf_of(form.text)})
    assert r.status_code == 400
    assert stack.get(f"{APPS_API}/{client_id}", headers=bearer(admin_token)).json() == shown
    token = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x"}, auth=(client_id, secret))
    assert token.json()["error"] == "invalid_grant"     # the secret still authenticates


def test_unknown_app_is_a_404_page(stack, admin):
    for path in ["/admin/apps/app_00000000000000000000", "/admin/apps/app_00000000000000000000/edit",
                 "/admin/apps/app_00000000000000000000/delete"]:
        r = admin.get(path)
        assert r.status_code == 404, path
        assert r.headers["Content-Type"].startswith("text/html")
        assert "no app with this id" in r.text
    csrf = csrf_of(admin.get("/admin/apps").text)
    r = admin.post("/admin/apps/app_00000000000000000000/secrets", data={"csrf_token": csrf})
    assert r.status_code == 404


def test_delete_asks_first_then_ends_every_token_of_the_app(stack, admin):
    redirect = "https://delete.example/cb"
    client_id = created_client_id(create_app(admin, unique("Doomed"), [redirect]))
    _, secret = create_secret(admin, client_id)
    person, _ = signed_in(stack)
    verifier, challenge = pkce_pair()
    code = person.code(authorize_params(client_id, challenge, redirect_uri=redirect))
    access = exchange(stack, code, verifier, client_id=client_id, secret=secret, redirect_uri=redirect).json()["access_token"]
    assert me(stack, access).status_code == 200
    row = re.search(rf'<tr data-client-id="{client_id}">(.*?)</tr>', admin.get("/admin/apps").text, re.S).group(1)
    assert '<td class="grants">1</td>' in row

    confirm = admin.get(f"/admin/apps/{client_id}/delete")
    assert confirm.status_code == 200
    assert "1 secret(s) and 1 active" in confirm.text
    assert f'<form method="post" action="/admin/apps/{client_id}/delete">' in confirm.text
    assert stack.scalar(f"SELECT count(*) FROM clients WHERE client_id = '{client_id}'") == "1"   # GET deletes nothing
    r = admin.post(f"/admin/apps/{client_id}/delete", data={"csrf_token": csrf_of(confirm.text)})
    assert r.status_code == 303 and r.headers["Location"] == "/admin/apps?notice=deleted"
    assert "The app was deleted" in admin.get(r.headers["Location"]).text
    assert me(stack, access).status_code == 401
    assert stack.scalar(f"SELECT count(*) FROM clients WHERE client_id = '{client_id}'") == "0"
    assert admin.get(f"/admin/apps/{client_id}").status_code == 404


# -- secrets --------------------------------------------------------------------------------

def test_a_secret_is_shown_once_listed_by_prefix_and_revoked(stack, admin, admin_token):
    client_id = created_client_id(create_app(admin, unique("Secretive"), ["https://secret.example/cb"]))
    r, secret = create_secret(admin, client_id)
    assert r.status_code == 200
    assert re.fullmatch(r"lcs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", secret)
    assert r.headers["Cache-Control"] == "no-store"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    # Without JavaScript: a read-only field to select, a hint, and the copy button hidden.
    assert f'value="{secret}" readonly' in r.text
    assert '<button type="button" id="copy" data-copy="secret" hidden>Copy</button>' in r.text
    assert '<script src="/admin/copy.js"></script>' in r.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)     # no inline script
    script = stack.get("/admin/copy.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert "navigator.clipboard" in script.text and "button.hidden = false" in script.text

    # Listed by prefix (never the secret), never used yet; the API lists the same.
    page = admin.get(f"/admin/apps/{client_id}").text
    secret_id = secret[4:20]
    assert secret_ids(page) == [secret_id]
    assert secret not in page and secret[21:] not in page
    assert f"<code>lcs_{secret_id}_…</code>" in page
    row = re.search(rf'<tr data-secret-id="{secret_id}">(.*?)</tr>', page, re.S).group(1)
    assert '<span class="muted">never</span>' in row
    listed = stack.get(f"{APPS_API}/{client_id}/secrets", headers=bearer(admin_token)).json()
    assert [s["id"] for s in listed] == [secret_id]

    # Use it: "last used" gets a time.
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x"}, auth=(client_id, secret))
    assert r.json()["error"] == "invalid_grant"
    row = re.search(rf'<tr data-secret-id="{secret_id}">(.*?)</tr>', admin.get(f"/admin/apps/{client_id}").text, re.S).group(1)
    assert row.count("<time datetime=") == 2

    r = admin.post(f"/admin/apps/{client_id}/secrets/{secret_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/apps/{client_id}?notice=secret-revoked"
    after = admin.get(r.headers["Location"]).text
    assert "The secret was revoked" in after and secret_ids(after) == [] and 'id="no-secrets"' in after
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x"}, auth=(client_id, secret))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = admin.post(f"/admin/apps/{client_id}/secrets/{secret_id}/revoke", data={"csrf_token": csrf_of(page)})
    assert r.status_code == 404


# -- scopes ----------------------------------------------------------------------------------

def test_scopes_are_listed_and_added(stack, admin):
    page = admin.get("/admin/scopes")
    assert page.status_code == 200
    assert '<code class="scope-name">profile</code>' in page.text
    name = unique("files") + ":read"
    r = admin.post("/admin/scopes", data={"name": name, "description": "Read your <files>", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["Location"] == "/admin/scopes?notice=saved"
    page = admin.get(r.headers["Location"])
    assert "Scope saved." in page.text
    # Revision 2: each scope shows whether unverified apps may get it (open), and the form sets it.
    assert (f'<tr><td><code class="scope-name">{name}</code></td><td class="scope-open">verified apps only</td>'
            f'<td>Read your &lt;files&gt;</td></tr>') in page.text
    assert {"name": name, "description": "Read your <files>", "open": False} in stack.latchctl_json("scope", "list")
    r = admin.post("/admin/scopes", data={"name": name, "description": "Read your <files>", "open": "on",
                                          "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    page = admin.get(r.headers["Location"])
    assert f'<code class="scope-name">{name}</code></td><td class="scope-open">open</td>' in page.text
    # The same name again changes the description; the new scope can be given to an app.
    admin.post("/admin/scopes", data={"name": name, "description": "Read your files", "csrf_token": csrf_of(page.text)})
    assert stack.scalar(f"SELECT description FROM scopes WHERE name = '{name}'") == "Read your files"
    client_id = created_client_id(create_app(admin, unique("Scoped"), ["https://scoped.example/cb"], scopes=[name]))
    assert stack.latchctl_json("app", "show", client_id)["scope"] == name


@pytest.mark.parametrize("name,description,message", [
    ("two words", "d", "not a valid scope token"),
    ('quote"d', "d", "not a valid scope token"),
    ("", "d", "not a valid scope token"),
    ("s" * 101, "d", "not a valid scope token"),
    ("long-description", "d" * 1001, "longer than 1000 characters"),
])
def test_bad_scopes_are_refused(stack, admin, name, description, message):
    count = stack.scalar("SELECT count(*) FROM scopes")
    page = admin.get("/admin/scopes")
    r = admin.post("/admin/scopes", data={"name": name, "description": description, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 400
    assert message in html.unescape(r.text)
    assert stack.scalar("SELECT count(*) FROM scopes") == count


# -- escaping ------------------------------------------------------------------------------------

def test_an_app_named_like_markup_is_shown_as_text_everywhere(stack, admin):
    client_id = created_client_id(create_app(admin, XSS_NAME, ["https://xss.example/cb"]))
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    r, secret = create_secret(admin, client_id)
    for page in [admin.get("/admin/apps").text, admin.get(f"/admin/apps/{client_id}").text,
                 admin.get(f"/admin/apps/{client_id}/edit").text, admin.get(f"/admin/apps/{client_id}/delete").text, r.text]:
        assert escaped in page
        assert "<img src=x" not in page
    assert f'value="{escaped}"' in admin.get(f"/admin/apps/{client_id}/edit").text
    # The stored name is exactly what was typed.
    assert stack.latchctl_json("app", "show", client_id)["name"] == XSS_NAME
