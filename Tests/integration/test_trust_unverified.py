"""What an unverified client cannot do (README "The client trust model"; README "Token lifecycle";
README "The authorization endpoint"):

- use `client_credentials` (`unauthorized_client`, decided by the one-trip statement itself:
  if it let the client through, the answer would be a token), until an admin verifies it;
- introspect any token but its own (`{"active": false}`), while a verified client (a resource
  server) may introspect any access token;
- be redirected to automatically before the person saw a latch page: an authorization error
  is a `400` page naming the error and the destination host, with a link that continues to the
  client with `error`, `error_description`, `state` and `iss` (the issue's "open redirector":
  a self-registered "Sign in with Google" → `https://evil.example/landing`);
- show its own logo: the consent page shows the name, an "unverified" mark and the host."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from authflow import Browser, authorize_params, make_user, pkce_pair, remember, unique
from clienthelpers import register
from tokenfactory import App, TokenFactory, introspect, token_request

EVIL = "https://evil.example/landing"


@pytest.fixture(scope="module")
def stack(make_stack):
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


@pytest.fixture(scope="module")
def factory(stack):
    return TokenFactory(stack)


@pytest.fixture(scope="module")
def browser(stack):
    name, password = make_user(stack)
    b = Browser(stack)
    assert b.sign_in(name, password).status_code == 303
    return b


def anonymous(stack, **metadata):
    body = {"redirect_uris": [EVIL], "client_name": "Sign in with Google"}
    body.update(metadata)
    r = register(stack, body)
    assert r.status_code == 201, r.text
    registered = r.json()
    remember(stack, registered.get("client_secret"), registered["registration_access_token"])
    return registered


def unverified_app(stack, **metadata):
    registered = anonymous(stack, **metadata)
    return App(registered["client_id"], registered.get("client_secret"), "client_secret" not in registered)


def state_and_challenge():
    return "st-" + unique("s"), pkce_pair()[1]


# -- client_credentials -----------------------------------------------------------------------

def test_unverified_client_cannot_use_client_credentials_until_verified(stack):
    # A client registered anonymously before revision 2 may still list the grant (migration 003
    # made it unverified); the grant is refused by the one-trip statement and the full path.
    app = unverified_app(stack, redirect_uris=["https://svc.example/cb"])
    stack.psql(f"UPDATE clients SET grant_types = grant_types || '{{client_credentials}}' WHERE client_id = '{app.client_id}'")
    grants_before = stack.scalar(f"SELECT count(*) FROM grants WHERE client_id = '{app.client_id}'")
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    assert "verified" in r.json()["error_description"]
    assert stack.scalar(f"SELECT count(*) FROM grants WHERE client_id = '{app.client_id}'") == grants_before

    stack.latchctl("app", "verify", app.client_id)
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 200, r.text
    remember(stack, r.json()["access_token"])
    stack.latchctl("app", "unverify", app.client_id)
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"


# -- introspection ----------------------------------------------------------------------------

def test_unverified_client_introspects_only_its_own_tokens(stack, factory):
    user_id, _ = factory.user()
    resource_server = factory.app()           # verified (made by latchctl)
    other = factory.app()
    unverified = unverified_app(stack, redirect_uris=["https://rs.example/cb"])
    others_token = factory.tokens(other, user_id, with_refresh=False).access
    own_token = factory.tokens(unverified.client_id, user_id, with_refresh=False).access

    r = introspect(stack, unverified, others_token)
    assert r.status_code == 200 and r.json() == {"active": False}
    r = introspect(stack, unverified, own_token)
    assert r.status_code == 200 and r.json()["active"] is True and r.json()["client_id"] == unverified.client_id

    # A verified client (a resource server) may introspect anyone's access token.
    assert introspect(stack, resource_server, others_token).json()["active"] is True
    assert introspect(stack, resource_server, own_token).json()["active"] is True

    # Verification gives the unverified client that right; unverifying takes it back.
    stack.latchctl("app", "verify", unverified.client_id)
    assert introspect(stack, unverified, others_token).json()["active"] is True
    stack.latchctl("app", "unverify", unverified.client_id)
    assert introspect(stack, unverified, others_token).json() == {"active": False}


# -- authorization errors: a page, not a redirect --------------------------------------------

def test_unverified_clients_errors_are_a_page_with_a_link_not_a_redirect(stack, browser):
    client = anonymous(stack, token_endpoint_auth_method="none")
    state, challenge = state_and_challenge()
    params = authorize_params(client["client_id"], challenge, redirect_uri=EVIL, state=state, response_type="token")
    r = browser.authorize(params)
    assert r.status_code == 400, (r.status_code, r.headers.get("Location"))
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert "unsupported_response_type" in page
    assert '<strong class="destination-host">evil.example</strong>' in page
    link = html.unescape(re.search(r'<a class="button" id="continue" rel="noreferrer" href="([^"]+)"', page).group(1))
    assert link.startswith(EVIL + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query["error"] == "unsupported_response_type"
    assert query["error_description"]
    assert query["state"] == state
    assert query["iss"] == stack.issuer
    # The name is shown as text with the mark, never as markup.
    assert "Sign in with Google" in page and "unverified" in page


@pytest.mark.parametrize("change,error", [
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"scope": "never-defined-scope"}, "invalid_scope"),
    ({"prompt": "select_account"}, "invalid_request"),
])
def test_every_step_3_error_of_an_unverified_client_is_the_page(stack, browser, change, error):
    client = anonymous(stack, token_endpoint_auth_method="none")
    state, challenge = state_and_challenge()
    params = authorize_params(client["client_id"], challenge, redirect_uri=EVIL, state=state)
    params.update(change)
    r = browser.authorize(params)
    assert r.status_code == 400 and "Location" not in r.headers
    assert f'<code class="error-code">{error}</code>' in r.text


def test_verified_clients_still_get_the_redirect(stack, browser):
    client = anonymous(stack, token_endpoint_auth_method="none")
    stack.latchctl("app", "verify", client["client_id"])
    state, challenge = state_and_challenge()
    r = browser.authorize(authorize_params(client["client_id"], challenge, redirect_uri=EVIL, state=state,
                                           response_type="token"))
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location.startswith(EVIL + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["error"] == "unsupported_response_type" and query["state"] == state and query["iss"] == stack.issuer


# -- the consent page: no logo, a mark, the host ------------------------------------------------

def test_consent_page_of_an_unverified_client_shows_mark_and_host_never_its_logo(stack, browser):
    logo = "https://logos.example/google.png"
    client = anonymous(stack, token_endpoint_auth_method="none", logo_uri=logo)
    state, challenge = state_and_challenge()
    r = browser.authorize(authorize_params(client["client_id"], challenge, redirect_uri=EVIL, state=state))
    assert r.status_code == 200, r.text[:300]
    page = r.text
    assert logo not in page and "<img" not in page
    assert '<span class="unverified-mark">(unverified)</span>' in page
    assert '<span class="app-host">evil.example</span>' in page
    assert '<span class="app-name">Sign in with Google</span>' in page

    # Once verified, its logo is shown and the mark is gone.
    stack.latchctl("app", "verify", client["client_id"])
    state, challenge = state_and_challenge()
    page = browser.authorize(authorize_params(client["client_id"], challenge, redirect_uri=EVIL, state=state)).text
    assert f'<img src="{logo}"' in page and "unverified-mark" not in page


def test_custom_scheme_destination_is_named_on_the_page(stack, browser):
    client = anonymous(stack, token_endpoint_auth_method="none", redirect_uris=["com.example.notes:/oauth"])
    state, challenge = state_and_challenge()
    r = browser.authorize(authorize_params(client["client_id"], challenge, redirect_uri="com.example.notes:/oauth",
                                           state=state, code_challenge_method="plain"))
    assert r.status_code == 400 and "Location" not in r.headers
    assert '<strong class="destination-host">com.example.notes:</strong>' in r.text


def test_error_page_shows_a_hostile_name_and_state_as_text(stack, browser):
    hostile = '<img src=x onerror=alert(1)> "Bank" & co'
    client = anonymous(stack, token_endpoint_auth_method="none", client_name=hostile)
    state = '"><script>alert(1)</script>'
    r = browser.authorize(authorize_params(client["client_id"], pkce_pair()[1], redirect_uri=EVIL, state=state,
                                           response_type="token"))
    assert r.status_code == 400
    assert "<img src=x" not in r.text and "<script>alert" not in r.text
    assert html.escape(hostile, quote=True).replace("&#x27;", "&#39;") in r.text
    link = html.unescape(re.search(r'id="continue" rel="noreferrer" href="([^"]+)"', r.text).group(1))
    assert parse_qs(urlsplit(link).query)["state"] == [state]
