"""Remembered consent and `prompt` (README "The authorization endpoint" steps 1, 3
and 5), loopback `localhost` with any port (RFC 8252 §7.3, as MCP clients register it), and
the one byte-wise comparison of redirect URIs.

- a person who already allowed a *verified* app at least these scopes for this resource (a
  live grant: not revoked, with a live token) gets the code at once, audited
  `consent.remembered`; `prompt=consent` always asks; an unverified app is always asked;
- `prompt=none`: without a session `login_required` (by redirect, after steps 2–3), without
  remembered consent `consent_required`; an unknown value or `none` with another →
  `invalid_request`; `prompt=login` asks for the password again (also of someone signed in)."""
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from authflow import (Browser, authorize_params, ensure_scopes, exchange, form_fields, make_app, make_secret, make_user,
                      pkce_pair, query_of, remember, unique)
from clienthelpers import register

REDIRECT = "https://notes.example/cb"


@pytest.fixture(scope="module")
def stack(make_stack):
    s = make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})
    ensure_scopes(s)
    return s


@pytest.fixture(scope="module")
def world(stack):
    ensure_scopes(stack)
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    return {"browser": browser, "user": name,
            "user_id": int(stack.scalar(f"SELECT id FROM users WHERE username = '{name}'"))}


def verified_app(stack):
    client_id = make_app(stack, [REDIRECT], name=unique("Notes"))
    return client_id, make_secret(stack, client_id)


def unverified_app(stack):
    # openid: always defined and open, so an unverified client may get it.
    r = register(stack, {"redirect_uris": [REDIRECT], "client_name": unique("Dyn"), "scope": "openid"})
    assert r.status_code == 201, r.text
    body = r.json()
    remember(stack, body["client_secret"], body["registration_access_token"])
    return body["client_id"], body["client_secret"]


def allow_and_exchange(stack, browser, client_id, secret, scope):
    """The first time: consent page, Allow, code, tokens (a live grant)."""
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT, state="s1", scope=scope))
    r = exchange(stack, code, verifier, client_id, secret, redirect_uri=REDIRECT)
    assert r.status_code == 200, r.text
    return r.json()


def ask(browser, client_id, scope="profile", **extra):
    verifier, challenge = pkce_pair()
    r = browser.authorize(authorize_params(client_id, challenge, redirect_uri=REDIRECT, state="st-2", scope=scope, **extra))
    return r, verifier


def is_consent_page(r):
    return r.status_code == 200 and 'action="/oauth2/authorize"' in r.text


def audit_count(stack, client_id, event):
    return int(stack.scalar(f"SELECT count(*) FROM audit_events WHERE client_id = '{client_id}' AND event = '{event}'"))


# -- remembered consent ----------------------------------------------------------------------

def test_a_verified_app_already_allowed_gets_its_code_at_once(stack, world):
    browser = world["browser"]
    client_id, secret = verified_app(stack)
    allow_and_exchange(stack, browser, client_id, secret, "profile email")

    r, verifier = ask(browser, client_id, scope="profile email")
    assert r.status_code == 302, r.text[:300]
    q = query_of(r.headers["Location"])
    assert r.headers["Location"].startswith(REDIRECT + "?")
    assert q["state"] == "st-2" and q["iss"] == stack.issuer
    assert audit_count(stack, client_id, "consent.remembered") == 1
    # The code works like any other.
    t = exchange(stack, remember(stack, q["code"]), verifier, client_id, secret, redirect_uri=REDIRECT)
    assert t.status_code == 200 and t.json()["scope"] == "profile email"

    # Fewer scopes: remembered too; more scopes: asked.
    r, _ = ask(browser, client_id, scope="profile")
    assert r.status_code == 302 and "code" in query_of(r.headers["Location"])
    stack.latchctl("scope", "add", "files:write", "--description", "Change your files")
    r, _ = ask(browser, client_id, scope="profile files:write")
    assert is_consent_page(r)


def test_prompt_consent_always_asks(stack, world):
    client_id, secret = verified_app(stack)
    allow_and_exchange(stack, world["browser"], client_id, secret, "profile")
    r, _ = ask(world["browser"], client_id, prompt="consent")
    assert is_consent_page(r)
    assert audit_count(stack, client_id, "consent.remembered") == 0


def test_an_unverified_app_is_always_asked(stack, world):
    client_id, secret = unverified_app(stack)
    allow_and_exchange(stack, world["browser"], client_id, secret, "openid")
    r, _ = ask(world["browser"], client_id, scope="openid")
    assert is_consent_page(r)
    assert audit_count(stack, client_id, "consent.remembered") == 0


def test_a_revoked_or_lapsed_grant_is_not_remembered_consent(stack, world):
    client_id, secret = verified_app(stack)
    allow_and_exchange(stack, world["browser"], client_id, secret, "profile")
    stack.psql(f"UPDATE grants SET revoked_at = now() WHERE client_id = '{client_id}'")
    assert is_consent_page(ask(world["browser"], client_id)[0])

    client_id, secret = verified_app(stack)
    allow_and_exchange(stack, world["browser"], client_id, secret, "profile")
    stack.psql(f"UPDATE tokens SET expires_at = now() - interval '1 second' WHERE client_id = '{client_id}'")
    assert is_consent_page(ask(world["browser"], client_id)[0])


def test_consent_is_remembered_per_person(stack, world):
    client_id, secret = verified_app(stack)
    allow_and_exchange(stack, world["browser"], client_id, secret, "profile")
    name, password = make_user(stack)
    other = Browser(stack)
    assert other.sign_in(name, password).status_code == 303
    assert is_consent_page(ask(other, client_id)[0])


# -- prompt --------------------------------------------------------------------------------------

def test_prompt_none_signed_out_is_login_required_by_redirect(stack):
    client_id, _ = verified_app(stack)
    nobody = Browser(stack)
    r, _ = ask(nobody, client_id, prompt="none")
    assert r.status_code == 302, (r.status_code, r.headers.get("Location"))
    q = query_of(r.headers["Location"])
    assert r.headers["Location"].startswith(REDIRECT + "?")
    assert q["error"] == "login_required" and q["state"] == "st-2" and q["iss"] == stack.issuer
    # Steps 2–3 first: an unknown client is still the page, a bad request still its own error.
    r = nobody.authorize(authorize_params("app_00000000000000000000", pkce_pair()[1], redirect_uri=REDIRECT, prompt="none"))
    assert r.status_code == 400 and "Location" not in r.headers
    r, _ = ask(nobody, client_id, prompt="none", code_challenge_method="plain")
    assert query_of(r.headers["Location"])["error"] == "invalid_request"
    # Without prompt=none: sign in first, as before.
    r, _ = ask(nobody, client_id)
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")


def test_prompt_none_of_an_unverified_client_signed_out_is_the_page(stack):
    client_id, _ = unverified_app(stack)
    r, _ = ask(Browser(stack), client_id, scope="openid", prompt="none")
    assert r.status_code == 400 and "Location" not in r.headers
    assert '<code class="error-code">login_required</code>' in r.text


def test_prompt_none_without_remembered_consent_is_consent_required(stack, world):
    client_id, secret = verified_app(stack)
    r, _ = ask(world["browser"], client_id, prompt="none")
    assert r.status_code == 302 and query_of(r.headers["Location"])["error"] == "consent_required"
    allow_and_exchange(stack, world["browser"], client_id, secret, "profile")
    r, _ = ask(world["browser"], client_id, prompt="none")
    assert r.status_code == 302 and "code" in query_of(r.headers["Location"])


@pytest.mark.parametrize("prompt", ["select_account", "none consent", "none login", "bogus"])
def test_unknown_prompt_or_none_with_another_is_invalid_request(stack, world, prompt):
    client_id, _ = verified_app(stack)
    r, _ = ask(world["browser"], client_id, prompt=prompt)
    assert r.status_code == 302
    q = query_of(r.headers["Location"])
    assert q["error"] == "invalid_request" and "prompt" in q["error_description"]


def test_prompt_login_asks_for_the_password_again(stack, world):
    client_id, secret = verified_app(stack)
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    allow_and_exchange(stack, browser, client_id, secret, "profile")   # consent is remembered from here on
    signins = int(stack.scalar(f"SELECT count(*) FROM audit_events WHERE event = 'signin.success' AND actor = '{name}'"))

    r, _ = ask(browser, client_id, prompt="login consent")
    assert r.status_code == 303
    location = urlsplit(r.headers["Location"])
    assert location.path == "/login"
    login_query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert login_query["reauthenticate"] == "1"
    # Back to the same request, without login (so the fresh sign-in is not asked twice).
    back = {k: v[0] for k, v in parse_qs(urlsplit(login_query["next"]).query).items()}
    assert urlsplit(login_query["next"]).path == "/oauth2/authorize"
    assert back["prompt"] == "consent" and back["client_id"] == client_id and back["state"] == "st-2"
    # The sign-in page shows its form although the person is signed in.
    page = browser.get(r.headers["Location"])
    assert page.status_code == 200 and 'action="/login"' in page.text
    fields = dict(form_fields(page.text, "/login"))
    assert fields["next"] == login_query["next"]
    r = browser.post("/login", data={"username": name, "password": password, "csrf_token": fields["csrf_token"],
                                     "next": fields["next"]})
    assert r.status_code == 303 and r.headers["Location"] == login_query["next"]
    assert int(stack.scalar(f"SELECT count(*) FROM audit_events WHERE event = 'signin.success' AND actor = '{name}'")) \
        == signins + 1
    assert is_consent_page(browser.get(r.headers["Location"]))

    # Signed out with prompt=login: one sign-in, whose next no longer asks for another.
    r, _ = ask(Browser(stack), client_id, prompt="login")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")
    next_query = parse_qs(urlsplit(parse_qs(urlsplit(r.headers["Location"]).query)["next"][0]).query)
    assert "prompt" not in next_query and next_query["client_id"] == [client_id]
    # Steps 2–3 still come first: a bad request is its error, not a sign-in page.
    r, _ = ask(browser, client_id, prompt="login", code_challenge_method="plain")
    assert r.status_code == 302 and query_of(r.headers["Location"])["error"] == "invalid_request"


# -- loopback localhost, any port ----------------------------------------------------------------

def test_localhost_redirect_matches_with_any_port(stack, world):
    # As MCP clients register: a public client, http://localhost/callback, no port.
    r = register(stack, {"redirect_uris": ["http://localhost/callback"], "token_endpoint_auth_method": "none",
                         "client_name": unique("MCP client")})
    assert r.status_code == 201, r.text
    client_id = r.json()["client_id"]
    remember(stack, r.json()["registration_access_token"])
    stack.latchctl("app", "verify", client_id)
    verifier, challenge = pkce_pair()
    came_back = "http://localhost:53121/callback"
    code = world["browser"].code(authorize_params(client_id, challenge, redirect_uri=came_back, state="mcp", scope="profile"))
    t = exchange(stack, code, verifier, client_id, method="none", redirect_uri=came_back)
    assert t.status_code == 200, t.text
    # Only the port may differ.
    for other in ["http://localhost:53121/other", "http://127.0.0.1:53121/callback", "https://localhost:53121/callback",
                  "http://localhost.evil.example:53121/callback"]:
        r = world["browser"].authorize(authorize_params(client_id, challenge, redirect_uri=other))
        assert r.status_code == 400 and "Location" not in r.headers, other


# -- one byte-wise comparison of redirect URIs ---------------------------------------------------

def test_precomposed_and_decomposed_redirect_uris_differ(stack, world):
    precomposed, decomposed = "https://notes.example/caf\u00e9", "https://notes.example/cafe\u0301"
    client_id = make_app(stack, [precomposed])
    secret = make_secret(stack, client_id)
    verifier, challenge = pkce_pair()
    r = world["browser"].authorize(authorize_params(client_id, challenge, redirect_uri=decomposed, scope="profile"))
    assert r.status_code == 400 and "Location" not in r.headers
    code = world["browser"].code(authorize_params(client_id, challenge, redirect_uri=precomposed, scope="profile"))
    r = exchange(stack, code, verifier, client_id, secret, redirect_uri=decomposed)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert "redirect_uri" in r.json()["error_description"]
    # Refused as a mismatch (the code is burnt), not mistaken for a replay of a used code.
    assert audit_count(stack, client_id, "code.rejected") == 1
    assert audit_count(stack, client_id, "code.replayed") == 0
