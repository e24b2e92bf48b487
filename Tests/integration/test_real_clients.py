"""OAuth clients written by others complete the flow against latch through nginx:
authlib's OAuth2Session (PKCE S256; client_secret_basic, client_secret_post, and a public
client with none) and requests-oauthlib (PKCE S256), then call /api/v2/users/me. The person's
side (sign-in form, consent form) is driven with a requests session posting the forms."""
import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from requests_oauthlib import OAuth2Session as OAuthlibSession

from authflow import Browser, ensure_scopes, form_fields, make_app, make_confidential_app, make_user, query_of, remember

REDIRECT = "https://client.example/callback"


@pytest.fixture(autouse=True)
def plain_http_loopback(monkeypatch):
    # The test issuer is http://127.0.0.1; both libraries refuse plain http unless told.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture(scope="module")
def person(stack):
    ensure_scopes(stack)
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    return name, browser


def app_for(stack, method):
    """An app held to exactly one authentication method (as a dynamically registered one is),
    so the flow passes only if the library really uses `method`."""
    if method == "none":
        return make_app(stack, [REDIRECT], public=True), None
    client_id, secret = make_confidential_app(stack, [REDIRECT])
    stack.psql(f"UPDATE clients SET origin = 'dynamic', token_endpoint_auth_method = '{method}' WHERE client_id = '{client_id}'")
    return client_id, secret


def allow(browser, authorization_url):
    """What the person does: open the app's authorization URL, press Allow; returns where
    the browser is sent (the app's redirect URI with code, state and iss)."""
    page = browser.get(authorization_url)
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"), page.text[:300])
    r = browser.decide(form_fields(page.text, "/oauth2/authorize"), "allow")
    assert r.status_code == 302
    location = r.headers["Location"]
    q = query_of(location)
    remember(browser.stack, q["code"], q.get("state"))
    return location


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "none"])
def test_authlib_completes_the_flow(stack, person, method):
    name, browser = person
    client_id, secret = app_for(stack, method)
    client = AuthlibSession(client_id, secret, scope="profile email", redirect_uri=REDIRECT,
                            code_challenge_method="S256", token_endpoint_auth_method=method)
    verifier = generate_token(64)
    url, state = client.create_authorization_url(stack.url("/oauth2/authorize"), code_verifier=verifier)
    assert "code_challenge=" in url and "code_challenge_method=S256" in url
    location = allow(browser, url)
    assert query_of(location)["state"] == state
    token = client.fetch_token(stack.url("/oauth2/tokens"), authorization_response=location, code_verifier=verifier)
    remember(stack, token["access_token"], token.get("refresh_token"))
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "profile email"
    assert "refresh_token" in token
    r = client.get(stack.url("/api/v2/users/me"))
    assert r.status_code == 200
    assert r.json()["username"] == name


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "none"])
def test_requests_oauthlib_completes_the_flow(stack, person, method):
    name, browser = person
    client_id, secret = app_for(stack, method)
    client = OAuthlibSession(client_id, redirect_uri=REDIRECT, scope=["profile"], pkce="S256")
    url, state = client.authorization_url(stack.url("/oauth2/authorize"))
    assert "code_challenge_method=S256" in url
    location = allow(browser, url)
    kwargs = {"authorization_response": location}
    if method == "client_secret_basic":
        kwargs["client_secret"] = secret          # HTTP Basic by default
    elif method == "client_secret_post":
        kwargs.update(client_secret=secret, include_client_id=True)
    else:
        kwargs["include_client_id"] = True
    token = client.fetch_token(stack.url("/oauth2/tokens"), **kwargs)
    remember(stack, token["access_token"], token.get("refresh_token"))
    assert token["token_type"] == "Bearer"
    r = client.get(stack.url("/api/v2/users/me"))
    assert r.status_code == 200
    assert r.json()["username"] == name
