"""GET and POST /oauth2/authorize through nginx: the order of checks, every error outcome,
the consent page and its headers, the code row, Cancel for any redirect scheme."""
import hashlib
import html
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from clienthelpers import register_resource
from authflow import (Browser, authorize_params, ensure_scopes, form_fields, make_app, make_user, pkce_pair,
                      query_of, remember, unique)

REDIRECT = "https://app.example/cb"
LOOPBACK = "http://127.0.0.1:4711/cb"


@pytest.fixture(scope="module")
def world(stack):
    ensure_scopes(stack)
    stack.latchctl("scope", "add", "files:read", "--description", "Read your <b>files</b> & folders")
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    w = {
        "user": name,
        "user_id": int(stack.scalar(f"SELECT id FROM users WHERE username = '{name}'")),
        "browser": browser,
        "app": make_app(stack, [REDIRECT], scope="profile email", name="Acme Notes"),
        "multi": make_app(stack, [REDIRECT, "https://app.example/other"]),
        "loopback": make_app(stack, [LOOPBACK]),
        "query": make_app(stack, ["https://app.example/cb?tenant=7"]),
    }
    return w


def challenge():
    return pkce_pair()[1]


def params(world, **overrides):
    p = authorize_params(world["app"], challenge(), redirect_uri=REDIRECT, state="st-123", scope="profile")
    for key, value in overrides.items():
        if value is None:
            p.pop(key, None)
        else:
            p[key] = value
    return p


# -- 1. not signed in -------------------------------------------------------------------

def test_signed_out_people_are_sent_to_sign_in_first(stack, world):
    # Even for an unknown client: the session is checked first.
    for p in [params(world), params(world, client_id="no-such-client")]:
        r = stack.get("/oauth2/authorize?" + urlencode(p))
        assert r.status_code == 303
        location = r.headers["Location"]
        assert location.startswith("/login?next=")
        next_path = parse_qs(urlsplit(location).query)["next"][0]
        assert next_path == "/oauth2/authorize?" + urlencode(p)


def test_sign_in_comes_back_to_the_authorize_request(stack, world):
    name, password = make_user(stack)
    browser = Browser(stack)
    p = params(world)
    location = browser.authorize(p).headers["Location"]
    next_path = parse_qs(urlsplit(location).query)["next"][0]
    r = browser.sign_in(name, password, next_path=next_path)
    assert r.status_code == 303
    assert r.headers["Location"] == "/oauth2/authorize?" + urlencode(p)
    consent = browser.get(r.headers["Location"])
    assert consent.status_code == 200
    assert "Acme Notes" in consent.text


# -- 2. client or redirect URI not verified: 400 page, never a redirect -------------------

PAGE_CASES = [
    ("unknown client", {"client_id": "app_doesnotexist"}),
    ("missing client_id", {"client_id": None}),
    ("unregistered redirect_uri", {"redirect_uri": "https://evil.example/cb"}),
    ("redirect_uri with extra path", {"redirect_uri": REDIRECT + "/x"}),
    ("redirect_uri with trailing slash", {"redirect_uri": REDIRECT + "/"}),
    ("redirect_uri differing in case", {"redirect_uri": "https://APP.example/cb"}),
    ("redirect_uri with added query", {"redirect_uri": REDIRECT + "?x=1"}),
    ("redirect_uri with fragment", {"redirect_uri": REDIRECT + "#f"}),
    ("redirect_uri over http", {"redirect_uri": "http://app.example/cb"}),
    ("redirect_uri javascript", {"redirect_uri": "javascript:alert(1)"}),
]


@pytest.mark.parametrize("case,overrides", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_unverified_client_or_redirect_gets_a_400_page(world, case, overrides):
    # Every other parameter is wrong too: the page must still win over any redirect.
    overrides = dict(overrides, response_type="token", code_challenge_method="plain")
    r = world["browser"].authorize(params(world, **overrides))
    assert r.status_code == 400
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "not valid" in r.text


def test_repeated_client_id_or_redirect_uri_gets_a_400_page(world):
    base = list(params(world).items())
    for name, value in [("client_id", world["app"]), ("redirect_uri", REDIRECT)]:
        r = world["browser"].get("/oauth2/authorize?" + urlencode(base + [(name, value)]))
        assert r.status_code == 400
        assert "Location" not in r.headers


def test_redirect_uri_may_be_omitted_only_with_one_registered(world):
    assert world["browser"].authorize(params(world, redirect_uri=None)).status_code == 200
    r = world["browser"].authorize(params(world, client_id=world["multi"], redirect_uri=None, scope=None))
    assert r.status_code == 400
    assert "Location" not in r.headers


def test_malformed_query_gets_a_400_page(world):
    r = world["browser"].get("/oauth2/authorize?client_id=%zz&" + urlencode(params(world, client_id=None)))
    assert r.status_code == 400
    assert "Location" not in r.headers


def test_loopback_ip_port_may_differ_but_nothing_else(world):
    ok = world["browser"].authorize(params(world, client_id=world["loopback"], redirect_uri="http://127.0.0.1:55123/cb",
                                           scope=None))
    assert ok.status_code == 200
    for other in ["http://127.0.0.1:55123/cb2", "http://localhost:4711/cb", "http://127.0.0.2:4711/cb"]:
        r = world["browser"].authorize(params(world, client_id=world["loopback"], redirect_uri=other, scope=None))
        assert r.status_code == 400, other
        assert "Location" not in r.headers


# -- 3. every other error: by redirect with error, error_description, state, iss ---------

REDIRECT_CASES = [
    ("response_type token", {"response_type": "token"}, "unsupported_response_type"),
    ("response_type id_token", {"response_type": "id_token"}, "unsupported_response_type"),
    ("response_type code token", {"response_type": "code token"}, "unsupported_response_type"),
    ("response_type missing", {"response_type": None}, "invalid_request"),
    ("code_challenge missing", {"code_challenge": None}, "invalid_request"),
    ("code_challenge too short", {"code_challenge": "a" * 42}, "invalid_request"),
    ("code_challenge too long", {"code_challenge": "a" * 129}, "invalid_request"),
    ("code_challenge bad characters", {"code_challenge": "a" * 42 + "+"}, "invalid_request"),
    ("code_challenge_method missing", {"code_challenge_method": None}, "invalid_request"),
    ("code_challenge_method plain", {"code_challenge_method": "plain"}, "invalid_request"),
    ("code_challenge_method lower case", {"code_challenge_method": "s256"}, "invalid_request"),
    # Revision 2: a bad resource is invalid_target (RFC 8707 section 2), as is an unregistered one.
    ("resource relative", {"resource": "/api"}, "invalid_target"),
    ("resource with fragment", {"resource": "https://api.example/#x"}, "invalid_target"),
    ("resource empty", {"resource": ""}, "invalid_target"),
    ("resource not registered", {"resource": "https://unregistered.example/api"}, "invalid_target"),
    ("unknown scope", {"scope": "profile no-such-scope"}, "invalid_scope"),
    ("scope outside the app's set", {"scope": "files:read"}, "invalid_scope"),
    ("malformed scope", {"scope": "profile  email"}, "invalid_scope"),
]


def assert_error_redirect(r, issuer, error, state="st-123", base=REDIRECT):
    assert r.status_code == 302, r.text[:300]
    location = r.headers["Location"]
    assert location.startswith(base + "?")
    q = query_of(location)
    assert q["error"] == error
    assert q["error_description"]
    assert q["iss"] == issuer
    assert "code" not in q
    if state is None:
        assert "state" not in q
    else:
        assert q["state"] == state
    return q


@pytest.mark.parametrize("case,overrides,error", REDIRECT_CASES, ids=[c[0] for c in REDIRECT_CASES])
def test_get_errors_go_back_by_redirect(stack, world, case, overrides, error):
    r = world["browser"].authorize(params(world, **overrides))
    assert_error_redirect(r, stack.issuer, error)


def test_error_redirect_without_state_carries_none(stack, world):
    r = world["browser"].authorize(params(world, state=None, response_type="token"))
    assert_error_redirect(r, stack.issuer, "unsupported_response_type", state=None)


def test_repeated_parameter_is_invalid_request_by_redirect(stack, world):
    base = list(params(world).items())
    r = world["browser"].get("/oauth2/authorize?" + urlencode(base + [("scope", "email")]))
    assert_error_redirect(r, stack.issuer, "invalid_request")
    # A repeated state is not echoed (which one would be the client's?).
    r = world["browser"].get("/oauth2/authorize?" + urlencode(base + [("state", "other")]))
    assert_error_redirect(r, stack.issuer, "invalid_request", state=None)


def test_client_without_the_code_grant_is_unauthorized_client(stack, world):
    client = make_app(stack, [REDIRECT])
    stack.psql(f"UPDATE clients SET grant_types = '{{client_credentials}}' WHERE client_id = '{client}'")
    r = world["browser"].authorize(params(world, client_id=client, scope=None))
    assert_error_redirect(r, stack.issuer, "unauthorized_client")


def test_error_redirect_keeps_the_registered_query(stack, world):
    r = world["browser"].authorize(params(world, client_id=world["query"], redirect_uri="https://app.example/cb?tenant=7",
                                          response_type="token", scope=None))
    assert r.headers["Location"].startswith("https://app.example/cb?tenant=7&error=unsupported_response_type&")


# -- 4. the consent page ----------------------------------------------------------------

def test_consent_page_names_app_user_and_scopes_with_safe_headers(stack, world):
    p = params(world, scope="profile email", state="s-consent")
    r = world["browser"].authorize(p)
    assert r.status_code == 200
    h = r.headers
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Frame-Options"] == "DENY"
    assert h["Cache-Control"] == "no-store"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "Acme Notes" in r.text
    assert world["user"] in r.text
    assert "See your username and account id" in r.text and "See your email address" in r.text
    assert 'value="allow"' in r.text and 'value="cancel"' in r.text
    fields = dict(form_fields(r.text, "/oauth2/authorize"))
    for key in ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"]:
        assert fields[key] == p[key]
    assert len(fields["csrf_token"]) >= 32


def test_request_without_scope_gets_the_apps_registered_scopes(world):
    r = world["browser"].authorize(params(world, scope=None))
    assert r.status_code == 200
    assert "See your username and account id" in r.text and "See your email address" in r.text


def test_hostile_values_are_shown_as_text(stack, world):
    hostile = '<script>alert("name")</script><img src=x onerror=alert(1)> & \'q\''
    client = make_app(stack, [REDIRECT], name=hostile)
    # latchctl applies the shared app rules and refuses such an icon; one stored by an older
    # version must still never reach the page as a URL.
    stack.psql(f"UPDATE clients SET icon = 'javascript:alert(1)' WHERE client_id = '{client}'")
    stack.latchctl("scope", "add", "evil", "--description", "<iframe src=//evil.example></iframe>")
    state = '"><script>alert("state")</script>'
    r = world["browser"].authorize(params(world, client_id=client, scope="evil", state=state))
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "<img src=x" not in r.text
    assert "<iframe" not in r.text
    assert "javascript:" not in r.text
    assert html.escape(hostile, quote=True).replace("&#x27;", "&#39;") in r.text
    assert "&lt;iframe src=//evil.example&gt;&lt;/iframe&gt;" in r.text
    assert dict(form_fields(r.text, "/oauth2/authorize"))["state"] == state


def test_https_icon_is_shown(stack, world):
    client = make_app(stack, [REDIRECT], icon="https://icons.example/acme.png")
    r = world["browser"].authorize(params(world, client_id=client, scope=None))
    assert '<img src="https://icons.example/acme.png"' in r.text


# -- POST: the consent form ---------------------------------------------------------------

def codes_of(stack, client):
    return int(stack.scalar(f"SELECT count(*) FROM authorization_codes WHERE client_id = '{client}'"))


def test_allow_issues_a_code_with_everything_stored(stack, world):
    verifier, chal = pkce_pair()
    state = unique("state")
    register_resource(stack, "https://api.example/v1", scopes=["email", "profile"])
    p = params(world, code_challenge=chal, state=state, scope="email profile", resource="https://API.example/v1/")
    fields = world["browser"].consent(p)
    r = world["browser"].decide(fields, "allow")
    assert r.status_code == 302
    assert r.headers["Location"].startswith(REDIRECT + "?code=")
    q = query_of(r.headers["Location"])
    remember(stack, q["code"], state)
    assert q["state"] == state
    assert q["iss"] == stack.issuer
    assert set(q) == {"code", "state", "iss"}
    code_id = q["code"][4:20]
    row = stack.psql(f"""SELECT client_id, user_id, redirect_uri, redirect_uri_given, code_challenge, scope, resource,
                                encode(state_hash, 'hex'), redeemed_at IS NULL,
                                expires_at > now() + interval '9 minutes' AND expires_at <= now() + interval '10 minutes'
                         FROM authorization_codes WHERE id = '{code_id}'""")[0]
    assert row == [world["app"], str(world["user_id"]), REDIRECT, "t", chal, "email profile", "https://api.example/v1",
                   hashlib.sha256(state.encode()).hexdigest(), "t", "t"]


def test_allow_without_redirect_uri_records_that_it_was_not_given(stack, world):
    fields = world["browser"].consent(params(world, redirect_uri=None, state=None))
    r = world["browser"].decide(fields, "allow")
    assert r.status_code == 302
    q = query_of(r.headers["Location"])
    assert r.headers["Location"].startswith(REDIRECT + "?code=")
    assert "state" not in q
    remember(stack, q["code"])
    row = stack.psql(f"SELECT redirect_uri, redirect_uri_given, state_hash IS NULL FROM authorization_codes WHERE id = '{q['code'][4:20]}'")
    assert row == [[REDIRECT, "f", "t"]]


def test_allow_for_a_loopback_client_goes_to_the_requested_port(stack, world):
    fields = world["browser"].consent(params(world, client_id=world["loopback"], redirect_uri="http://127.0.0.1:50999/cb",
                                             scope=None))
    r = world["browser"].decide(fields, "allow")
    assert r.headers["Location"].startswith("http://127.0.0.1:50999/cb?code=")
    remember(stack, query_of(r.headers["Location"])["code"])


def test_cancel_sends_access_denied(stack, world):
    fields = world["browser"].consent(params(world))
    before = codes_of(stack, world["app"])
    r = world["browser"].decide(fields, "cancel")
    assert_error_redirect(r, stack.issuer, "access_denied")
    assert codes_of(stack, world["app"]) == before


@pytest.mark.parametrize("uri", ["jetbrains://gateway/oauth/callback", "vscode://latch.auth/done", "myapp://cb?flow=7",
                                 "com.example.app:/oauth2redirect"])
def test_cancel_and_allow_work_for_custom_schemes(stack, world, uri):
    client = make_app(stack, [uri], public=True)
    p = params(world, client_id=client, redirect_uri=uri, scope=None)
    page = world["browser"].authorize(p)
    scheme = uri.split(":")[0]
    assert f"form-action 'self' {scheme}:" in page.headers["Content-Security-Policy"]
    fields = form_fields(page.text, "/oauth2/authorize")
    r = world["browser"].decide(fields, "cancel")
    assert_error_redirect(r, stack.issuer, "access_denied", base=uri.split("?")[0])
    joiner = "&" if "?" in uri else "?"
    assert r.headers["Location"].startswith(uri + joiner + "error=access_denied&error_description=")
    r = world["browser"].decide(fields, "allow")
    assert r.headers["Location"].startswith(uri + joiner + "code=lac_")
    remember(stack, query_of(r.headers["Location"])["code"])


def without(fields, name):
    return [(k, v) for k, v in fields if k != name]


def replaced(fields, name, value):
    return without(fields, name) + [(name, value)]


def test_post_without_or_with_a_wrong_csrf_token_is_403_and_issues_nothing(stack, world):
    fields = world["browser"].consent(params(world))
    before = codes_of(stack, world["app"])
    other_name, other_password = make_user(stack)
    other = Browser(stack)
    other.sign_in(other_name, other_password)
    other_token = dict(other.consent(params(world)))["csrf_token"]
    for bad in [without(fields, "csrf_token"), replaced(fields, "csrf_token", "x" * 43),
                replaced(fields, "csrf_token", other_token), replaced(fields, "csrf_token", "")]:
        r = world["browser"].decide(bad, "allow")
        assert r.status_code == 403
        assert "Location" not in r.headers
    # The right token without the session cookie.
    r = requests.post(stack.url("/oauth2/authorize"), data=fields + [("decision", "allow")], allow_redirects=False)
    assert r.status_code == 403
    assert "Location" not in r.headers
    assert codes_of(stack, world["app"]) == before


def test_post_checks_the_posted_fields_again(stack, world):
    fields = world["browser"].consent(params(world))
    r = world["browser"].decide(replaced(fields, "redirect_uri", "https://evil.example/cb"), "allow")
    assert r.status_code == 400 and "Location" not in r.headers
    r = world["browser"].decide(replaced(fields, "client_id", "app_doesnotexist"), "allow")
    assert r.status_code == 400 and "Location" not in r.headers
    cases = [
        (replaced(fields, "code_challenge_method", "plain"), "invalid_request"),
        (without(fields, "code_challenge"), "invalid_request"),
        (replaced(fields, "scope", "files:read"), "invalid_scope"),
        (replaced(fields, "response_type", "token"), "unsupported_response_type"),
        (fields + [("code_challenge", challenge())], "invalid_request"),
    ]
    before = codes_of(stack, world["app"])
    for bad, error in cases:
        assert_error_redirect(world["browser"].decide(bad, "allow"), stack.issuer, error)
    r = world["browser"].post("/oauth2/authorize", data=fields + [("decision", "maybe")])
    assert_error_redirect(r, stack.issuer, "invalid_request")
    r = world["browser"].post("/oauth2/authorize", data=fields)
    assert_error_redirect(r, stack.issuer, "invalid_request")
    assert codes_of(stack, world["app"]) == before


def test_post_with_a_wrong_content_type_is_refused(world):
    r = world["browser"].post("/oauth2/authorize", data=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 415)
    assert "Location" not in r.headers
