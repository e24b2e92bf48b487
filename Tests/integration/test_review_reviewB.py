"""Review of issue 13 (sign-in, web pages, FastCGI boundary, registration, latchctl, bad input):
each test here failed on the merged code and pins a sentence of the revision 2 behaviour."""
import pytest

from clienthelpers import bearer, register


@pytest.fixture(scope="module")
def stack(make_stack):
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


# -- "Dynamic client registration": application_type (web, native) is accepted and stored --

def test_application_type_defaults_to_web_and_is_stored_and_answered(stack):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["application_type"] == "web"
    assert stack.scalar(f"SELECT metadata->>'application_type' FROM clients WHERE client_id = '{body['client_id']}'") == "web"


def test_native_application_type_is_kept_through_rfc7592_read_and_update(stack):
    r = register(stack, {"redirect_uris": ["http://127.0.0.1/cb"], "token_endpoint_auth_method": "none",
                         "application_type": "native"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["application_type"] == "native"
    assert stack.scalar(f"SELECT metadata->>'application_type' FROM clients WHERE client_id = '{body['client_id']}'") == "native"
    read = stack.get(f"/oauth2/clients/{body['client_id']}", headers=bearer(body["registration_access_token"]))
    assert read.status_code == 200 and read.json()["application_type"] == "native"
    # PUT replaces: an omitted application_type is the default again.
    put = stack.request("PUT", f"/oauth2/clients/{body['client_id']}", headers=bearer(read.json()["registration_access_token"]),
                        json={"client_id": body["client_id"], "redirect_uris": ["http://127.0.0.1/cb"],
                              "token_endpoint_auth_method": "none"})
    assert put.status_code == 200, put.text
    assert put.json()["application_type"] == "web"


@pytest.mark.parametrize("value", ["desktop", "", "WEB", 5, ["web"]])
def test_an_unknown_application_type_is_invalid_client_metadata(stack, value):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"], "application_type": value})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_client_metadata"


# -- "latchctl": `latchctl scope add NAME [--open]` (the description is optional) ----------

def test_scope_add_without_a_description(stack):
    from clienthelpers import unique
    name = unique("rv") + ":tools"
    r = stack.latchctl("scope", "add", name, "--open", check=False)
    assert r.returncode == 0, r.stderr
    scopes = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert scopes[name]["open"] is True and scopes[name]["description"] == name
    # An existing scope keeps its description when none is given.
    stack.latchctl("scope", "add", name, "--description", "Use the tools")
    assert stack.latchctl("scope", "add", name, check=False).returncode == 0
    scopes = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert scopes[name]["description"] == "Use the tools" and scopes[name]["open"] is False


# -- "FastCGI trust boundary": the shared secret may be configured as LATCH_FRONT_SECRET --

def test_the_front_secret_may_be_given_as_latch_front_secret(stack, tmp_path):
    import os
    import secrets
    import signal
    import subprocess
    import time

    from authflow import unique
    from fastcgiclient import unix_request
    from latchstack import BIN

    secret = secrets.token_hex(32)
    env = dict(os.environ)
    env.update(stack.env)
    env.pop("LATCH_FRONT_SECRET_FILE", None)
    env.update({"LATCH_TRUST_REMOTE_USER": "true", "LATCH_FRONT_SECRET": secret})
    sock = str(tmp_path / "a.sock")
    proc = subprocess.Popen([os.path.join(BIN, "latch-authorize"), "--listen", f"unix:{sock}", "--workers", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 20
        while not os.path.exists(sock) and proc.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()[1]
        name = unique("front")
        r = unix_request(sock, "GET", "/login?next=/account/apps", REMOTE_USER=name)
        assert r.status == 200 and not any(c.startswith("latch_session=") for c in r.all("set-cookie"))
        r = unix_request(sock, "GET", "/login?next=/account/apps", REMOTE_USER=name, LATCH_FRONT_SECRET=secret[:-1])
        assert r.status == 200 and not any(c.startswith("latch_session=") for c in r.all("set-cookie"))
        r = unix_request(sock, "GET", "/login?next=/account/apps", REMOTE_USER=name, LATCH_FRONT_SECRET=secret)
        assert r.status == 303 and any(c.startswith("latch_session=") for c in r.all("set-cookie"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    # A short one is refused at start-up, as from the file.
    env["LATCH_FRONT_SECRET"] = "tooshort"
    r = subprocess.run([os.path.join(BIN, "latch-authorize"), "--listen", f"unix:{tmp_path}/b.sock"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 78 and "32 to 1024" in r.stderr, r.stderr


# -- "Web pages": CSRF on every form, 403 without it (a POST with no body at all included) --

def test_a_bodyless_post_of_a_browser_form_is_403_like_any_form_without_its_csrf_token(stack):
    from clienthelpers import create_user, make_session
    user = create_user(stack)
    cookies, _csrf = make_session(stack, user["id"])
    r = stack.post("/logout", cookies=cookies, allow_redirects=False)
    assert r.status_code == 403
    assert stack.get("/account/apps", cookies=cookies, allow_redirects=False).status_code == 200  # still signed in
    r = stack.post("/oauth2/authorize", cookies=cookies, allow_redirects=False)
    assert r.status_code == 403 and "location" not in r.headers
    assert stack.post("/login", allow_redirects=False).status_code == 403
    # The account and admin pages already answered so.
    assert stack.post("/account/apps/revoke", cookies=cookies, allow_redirects=False).status_code == 403
    # A body of another type is still a 400.
    r = stack.post("/logout", cookies=cookies, data="{}", headers={"Content-Type": "application/json"}, allow_redirects=False)
    assert r.status_code == 400


# -- "Errors and bad input": a JSON OAuth error, HTML on browser pages — the 413 included --

@pytest.mark.parametrize("path", ["/login", "/logout", "/oauth2/authorize", "/account/apps/revoke", "/admin/scopes"])
def test_a_body_over_the_limit_on_a_browser_page_is_an_html_413(stack, path):
    r = stack.post(path, data=b"a=" + b"x" * (100 * 1024), headers={"Content-Type": "application/x-www-form-urlencoded"},
                   allow_redirects=False)
    assert r.status_code == 413
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"
    assert "&lt;" not in r.text and "too large" in r.text


def test_a_body_over_the_limit_elsewhere_stays_a_json_413(stack):
    r = stack.post("/oauth2/tokens", data=b"a=" + b"x" * (100 * 1024),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.json()["error"] == "invalid_request"


# -- "Scopes" / admin console: an unverified app without a list may get only open scopes --

def test_the_console_and_latchctl_say_an_unverified_app_gets_only_open_scopes(stack):
    from clienthelpers import create_user, make_session
    app = register(stack, {"redirect_uris": ["https://app.example.com/cb"]}).json()["client_id"]
    admin = create_user(stack, admin=True)
    cookies, _csrf = make_session(stack, admin["id"])
    for path in ["/admin/apps", f"/admin/apps/{app}"]:
        page = stack.get(path, cookies=cookies).text
        row = page[page.index(app):] if path == "/admin/apps" else page
        row = row[:row.index("</tr>")] if path == "/admin/apps" else row
        assert "any open scope" in row and "any defined scope" not in row, path
    assert "any open scope" in stack.latchctl("app", "show", app).stdout
    stack.latchctl("app", "verify", app)
    assert "any defined scope" in stack.get(f"/admin/apps/{app}", cookies=cookies).text
    assert "any defined scope" in stack.latchctl("app", "show", app).stdout


# -- RFC 7592 and "Clients and trust": verification covers what the admin saw ----------------

def test_a_verified_dynamic_client_that_changes_its_name_or_redirects_is_unverified_again(stack):
    r = register(stack, {"redirect_uris": ["https://tool.example/cb"], "client_name": "Harmless tool"})
    assert r.status_code == 201
    client = r.json()
    stack.latchctl("app", "verify", client["client_id"])
    uri = f"/oauth2/clients/{client['client_id']}"
    same = {"client_id": client["client_id"], "redirect_uris": ["https://tool.example/cb"], "client_name": "Harmless tool"}
    # Re-sending the same metadata keeps the verification.
    r = stack.request("PUT", uri, json=same, headers=bearer(client["registration_access_token"]))
    assert r.status_code == 200, r.text
    token = r.json()["registration_access_token"]
    assert stack.scalar(f"SELECT verified FROM clients WHERE client_id = '{client['client_id']}'") == "t"
    # A new name (or redirect) is not what the admin vouched for.
    r = stack.request("PUT", uri, json=dict(same, client_name="Google"), headers=bearer(token))
    assert r.status_code == 200, r.text
    token = r.json()["registration_access_token"]
    assert stack.scalar(f"SELECT verified FROM clients WHERE client_id = '{client['client_id']}'") == "f"
    shown = stack.latchctl_json("app", "show", client["client_id"])
    assert shown["verified"] is False and shown["name"] == "Google"


def test_a_verified_dynamic_client_cannot_add_an_os_handler_scheme_by_update(stack):
    r = register(stack, {"redirect_uris": ["https://tool2.example/cb"], "token_endpoint_auth_method": "none"})
    client = r.json()
    stack.latchctl("app", "verify", client["client_id"])
    r = stack.request("PUT", f"/oauth2/clients/{client['client_id']}", headers=bearer(client["registration_access_token"]),
                      json={"client_id": client["client_id"], "token_endpoint_auth_method": "none",
                            "redirect_uris": ["https://tool2.example/cb", "ms-msdt:/id%20x"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri", r.text
    assert stack.scalar(f"SELECT redirect_uris::text || verified::text FROM clients WHERE client_id = '{client['client_id']}'") \
        == "{https://tool2.example/cb}true"


def test_unknown_pages_and_wrong_methods_on_browser_pages_are_html(stack):
    from clienthelpers import create_user, make_session
    admin = create_user(stack, admin=True)
    cookies, _csrf = make_session(stack, admin["id"])
    for path in ["/admin/no-such-page", "/account/no-such-page"]:
        r = stack.get(path, cookies=cookies, allow_redirects=False)
        assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html"), path
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"
    r = stack.request("PUT", "/login", allow_redirects=False)
    assert r.status_code == 405 and r.headers["Content-Type"].startswith("text/html") and "POST" in r.headers["Allow"]
    # The JSON endpoints keep JSON errors.
    r = stack.request("PUT", "/oauth2/tokens")
    assert r.status_code == 405 and r.json()["error"]
    r = stack.get("/oauth2/no-such-endpoint")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
