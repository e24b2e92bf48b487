"""The small web and browser items of the trust boundary, through nginx: nosniff on every JSON
answer, a CSP without `form-action *` or `img-src https:`, no echo of `?revoked=`, every page
(`/admin/` included) sending signed-out people to sign-in first, two session cookies meaning
signed out, `/demo/callback` only with LATCH_DEMO, no query strings in nginx's log, a refused
plain-http issuer, and registrations limited per IPv6 /64."""
import os
import re
import secrets
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from authflow import Browser, authorize_params, make_app, pkce_pair, unique
from consolepages import csrf_of, signed_in
from fastcgiclient import unix_request
from latchstack import BIN
from rawhttp import send
from tokenfactory import TokenFactory


@pytest.fixture(scope="module")
def factory(stack):
    return TokenFactory(stack)


# -- nosniff -------------------------------------------------------------------------------

def test_every_json_answer_carries_nosniff(stack, factory):
    app = factory.app()
    answers = {
        "discovery": stack.get("/.well-known/oauth-authorization-server"),
        "token error": stack.post("/oauth2/tokens", data={"grant_type": "nonsense"}),
        "token": stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(app.client_id, app.secret)),
        "introspection": stack.post("/oauth2/introspect", data={"token": "x"}, auth=(app.client_id, app.secret)),
        "registration error": stack.post("/oauth2/register", json={"redirect_uris": ["javascript:alert(1)"]}),
        "unknown latch path": stack.get("/oauth2/clients/nobody"),
        "management API 401": stack.get("/api/v2/oauth2-provider/apps"),
        "nginx's own 404": stack.get("/no/such/thing"),
    }
    for what, r in answers.items():
        assert r.headers["Content-Type"].startswith("application/json"), what
        assert r.headers.get("X-Content-Type-Options") == "nosniff", what


# -- Content-Security-Policy ----------------------------------------------------------------

def csp(response):
    return dict((d.strip().split(" ", 1) + [""])[:2] for d in response.headers["Content-Security-Policy"].split(";"))


def test_pages_allow_no_foreign_form_targets_or_images(stack):
    policy = csp(stack.get("/login"))
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'none'"


def test_the_consent_page_names_only_its_redirect_origin_and_icon_origin(stack):
    redirect = "https://app.example:8443/oauth/cb"
    client = make_app(stack, [redirect], public=True, icon="https://cdn.example/icons/app.png")
    browser, _ = signed_in(stack)
    page = browser.authorize(authorize_params(client, pkce_pair()[1], redirect_uri=redirect, state="s"))
    assert page.status_code == 200, page.text[:300]
    policy = csp(page)
    assert policy["form-action"] == "'self' https://app.example:8443"
    assert policy["img-src"] == "'self' data: https://cdn.example"
    assert "*" not in page.headers["Content-Security-Policy"]
    assert '<img src="https://cdn.example/icons/app.png"' in page.text


# -- "Your apps" never echoes a link's text -------------------------------------------------

def test_revoked_notice_never_echoes_arbitrary_text(stack, factory):
    user_id, _ = factory.user()
    cookie, _ = factory.session(user_id)
    lure = "Your account was compromised - call +1 555 0100"
    r = stack.get("/account/apps?" + urlencode({"revoked": lure}), cookies={"latch_session": cookie})
    assert r.status_code == 200
    assert "call +1 555" not in r.text and "You revoked" not in r.text
    # Nor an app's name the person never revoked.
    app = factory.app(name="Innocent Looking App")
    r = stack.get("/account/apps?" + urlencode({"revoked": app.client_id}), cookies={"latch_session": cookie})
    assert "Innocent Looking App" not in r.text and "You revoked" not in r.text


# -- signed out: sign-in first, from every page --------------------------------------------

@pytest.mark.parametrize("path", ["/admin/", "/admin"])
def test_admin_signed_out_goes_to_sign_in_first(stack, path):
    r = stack.get(path)
    assert r.status_code == 303
    location = urlsplit(r.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query) == {"next": [path]}


def test_admin_root_signed_in_goes_to_the_apps(stack):
    admin, _ = signed_in(stack, admin=True)
    r = admin.get("/admin/")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/apps"
    person, _ = signed_in(stack)
    assert person.get("/admin/").status_code == 403


# -- session cookies -------------------------------------------------------------------------

def test_a_request_with_two_session_cookies_is_signed_out(stack, factory):
    user_id, name = factory.user()
    cookie, csrf = factory.session(user_id)
    one = send(stack.port, "GET", "/account/apps", headers=[("Cookie", f"latch_session={cookie}")])
    assert one.status == 200 and name.encode() in one.body
    planted, _ = factory.session(factory.user()[0])
    for header in [f"latch_session={planted}; latch_session={cookie}", f"latch_session={cookie}; latch_session={cookie}"]:
        r = send(stack.port, "GET", "/account/apps", headers=[("Cookie", header)])
        assert r.status == 303 and r.header("location").startswith("/login?next=")
    # … and a state-changing request with them acts for nobody.
    r = send(stack.port, "DELETE", "/oauth2/tokens?client_id=x",
             headers=[("Cookie", f"latch_session={cookie}; latch_session={cookie}"), ("X-CSRF-Token", csrf)])
    assert r.status == 401


# -- /demo/callback --------------------------------------------------------------------------

def test_demo_callback_is_not_served_without_latch_demo(stack):
    r = stack.get("/demo/callback?code=lac_x&state=y")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


# -- nginx's access log ----------------------------------------------------------------------

def test_the_access_log_holds_no_query_strings(stack):
    marker = "qs" + secrets.token_hex(8)
    path = "/oauth2/authorize-log-" + marker[:6]
    stack.get(f"{path}?state={marker}&code_challenge={marker}")
    log = os.path.join(stack.dir, "nginx", "logs", "access.log")
    assert stack.wait_until(lambda: path in open(log).read(), timeout=15)
    text = open(log).read()
    assert marker not in text
    assert re.search(rf'"GET {re.escape(path)} HTTP/1\.1" 404', text)


# -- the issuer ------------------------------------------------------------------------------

def start_up(stack, issuer, **extra):
    env = dict(os.environ)
    env.update(stack.env)
    env.update({"LATCH_ISSUER": issuer, **extra})
    sock = os.path.join(stack.dir, "run", f"issuer-{secrets.token_hex(4)}.sock")
    process = subprocess.Popen([os.path.join(BIN, "latch-discovery"), "--listen", f"unix:{sock}", "--workers", "1"],
                               env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.time() + 20
    while process.poll() is None and not os.path.exists(sock) and time.time() < deadline:
        time.sleep(0.05)
    if process.poll() is None:
        answer = unix_request(sock, "GET", "/.well-known/oauth-authorization-server")
        process.terminate()
        process.wait(timeout=30)
        assert answer.status == 200
        return "served", ""
    return process.returncode, process.stderr.read()


def test_a_plain_http_issuer_off_loopback_is_refused_at_start_up(stack):
    code, err = start_up(stack, "http://auth.example.com")
    assert code == 78 and "LATCH_ISSUER" in err and "https" in err
    assert start_up(stack, "http://auth.example.com", LATCH_ALLOW_INSECURE_ISSUER="true")[0] == "served"
    assert start_up(stack, "http://localhost:8080")[0] == "served"
    assert start_up(stack, "https://auth.example.com")[0] == "served"


# -- registrations per IPv6 /64 --------------------------------------------------------------

def register_from(stack, address):
    body = b'{"redirect_uris":["https://ipv6.example/cb"]}'
    return unix_request(os.path.join(stack.dir, "run", "latch-register.sock"), "POST", "/oauth2/register", body=body,
                        remote_addr=address, headers={"Content-Type": "application/json"})


def test_registrations_are_limited_per_ipv6_64(make_stack):
    s = make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "3"})
    second = float(s.scalar("SELECT extract(second FROM now())"))
    if second > 40:
        time.sleep(61 - second)
    prefix = "2001:db8:77:" + format(secrets.randbelow(65535), "x")
    for host in ["::1", "::2", ":aaaa:bbbb:cccc:dddd"]:
        assert register_from(s, prefix + host).status == 201
    r = register_from(s, prefix + "::ffff")
    assert r.status == 429 and r.header("retry-after")
    assert register_from(s, "2001:db8:78::1").status == 201
