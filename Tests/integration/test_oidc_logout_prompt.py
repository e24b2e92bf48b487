"""max_age (OpenID Connect Core §3.1.2.1) and RP-initiated logout with registered
post_logout_redirect_uris (README "OpenID Connect")."""
import pytest

from authflow import Browser, authorize_params, form_fields, make_confidential_app, pkce_pair, query_of, unique
from clienthelpers import register
from test_oidc_id_tokens import REDIRECT, make_person, sign_in_flow

LOGOUT_TO = "https://rp.example/signed-out"


@pytest.fixture(scope="module")
def rp(stack):
    r = register(stack, {"client_name": unique("rp"), "redirect_uris": [REDIRECT], "post_logout_redirect_uris": [LOGOUT_TO]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["post_logout_redirect_uris"] == [LOGOUT_TO]
    return body


def signed_in(stack, person):
    browser = Browser(stack)
    assert browser.sign_in(person[0]["username"], person[1]).status_code == 303
    return browser


def test_max_age_older_than_the_sign_in_asks_for_the_password_again(stack):
    client_id, _ = make_confidential_app(stack, [REDIRECT])
    person = make_person(stack)
    browser = signed_in(stack, person)
    params = authorize_params(client_id, pkce_pair()[1], redirect_uri=REDIRECT, scope="openid")
    # A recent sign-in satisfies max_age=3600: the consent page.
    assert browser.authorize(dict(params, max_age="3600")).status_code == 200
    # max_age=0: sign in again, and come back without max_age (so it does not ask forever).
    r = browser.authorize(dict(params, max_age="0"))
    assert r.status_code == 303 and "reauthenticate=1" in r.headers["Location"]
    next_path = query_of(r.headers["Location"])["next"]
    assert "max_age" not in next_path and next_path.startswith("/oauth2/authorize?")
    fields = dict(form_fields(browser.get(r.headers["Location"]).text, "/login"))
    r = browser.post("/login", data={"username": person[0]["username"], "password": person[1],
                                     "csrf_token": fields["csrf_token"], "next": fields["next"]})
    assert r.status_code == 303 and r.headers["Location"] == next_path
    assert browser.get(next_path).status_code == 200
    # With prompt=none there is no asking: login_required, by redirect.
    r = browser.authorize(dict(params, max_age="0", prompt="none"))
    assert r.status_code == 302 and query_of(r.headers["Location"])["error"] == "login_required"


@pytest.mark.parametrize("value", ["-1", "soon", "1.5", "99999999999"])
def test_a_bad_max_age_is_invalid_request_by_redirect(stack, value):
    client_id, _ = make_confidential_app(stack, [REDIRECT])
    browser = signed_in(stack, make_person(stack))
    r = browser.authorize(authorize_params(client_id, pkce_pair()[1], redirect_uri=REDIRECT, max_age=value))
    assert r.status_code == 302 and query_of(r.headers["Location"])["error"] == "invalid_request"


def test_rp_initiated_logout_confirms_ends_the_session_and_returns_to_the_registered_uri(stack, rp):
    person = make_person(stack)
    tokens, _, _ = sign_in_flow(stack, rp["client_id"], rp["client_secret"], person, scope="openid")
    browser = signed_in(stack, person)
    r = browser.get("/oauth2/logout?" + __import__("urllib.parse").parse.urlencode(
        {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT_TO, "state": "bye-1"}))
    assert r.status_code == 200 and "Sign out of latch?" in r.text
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    fields = form_fields(r.text, "/oauth2/logout")
    # Without the CSRF token: 403, still signed in.
    r = browser.post("/oauth2/logout", data=[f for f in fields if f[0] != "csrf_token"])
    assert r.status_code == 403
    assert browser.get("/login").status_code in (200, 303)
    r = browser.post("/oauth2/logout", data=fields)
    assert r.status_code == 303 and r.headers["Location"] == LOGOUT_TO + "?state=bye-1"
    # The session is over: the authorization endpoint sends the browser to sign in.
    r = browser.authorize(authorize_params(rp["client_id"], pkce_pair()[1], redirect_uri=REDIRECT, scope="openid"))
    assert r.status_code == 303 and r.headers["Location"].startswith("/login")


def test_logout_never_redirects_to_an_unregistered_uri_or_on_a_forged_hint(stack, rp):
    person = make_person(stack)
    tokens, _, _ = sign_in_flow(stack, rp["client_id"], rp["client_secret"], person, scope="openid")
    browser = signed_in(stack, person)
    from urllib.parse import urlencode
    r = browser.get("/oauth2/logout?" + urlencode({"id_token_hint": tokens["id_token"],
                                                   "post_logout_redirect_uri": "https://evil.example/"}))
    assert r.status_code == 400 and "Location" not in r.headers
    head, payload, signature = tokens["id_token"].split(".")
    forged = ".".join([head, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")])
    r = browser.get("/oauth2/logout?" + urlencode({"id_token_hint": forged, "post_logout_redirect_uri": LOGOUT_TO}))
    assert r.status_code == 400 and "Location" not in r.headers
    r = browser.get("/oauth2/logout?" + urlencode({"id_token_hint": "not.a.jwt", "post_logout_redirect_uri": LOGOUT_TO}))
    assert r.status_code == 400
    # Without a hint or client_id, a post_logout_redirect_uri cannot be checked: refused.
    r = browser.get("/oauth2/logout?" + urlencode({"post_logout_redirect_uri": LOGOUT_TO}))
    assert r.status_code == 400
    # client_id that disagrees with the hint.
    r = browser.get("/oauth2/logout?" + urlencode({"id_token_hint": tokens["id_token"], "client_id": "someone-else",
                                                   "post_logout_redirect_uri": LOGOUT_TO}))
    assert r.status_code == 400
    # No redirect asked: the confirmation, then latch's own signed-out page.
    r = browser.get("/oauth2/logout")
    assert r.status_code == 200
    r = browser.post("/oauth2/logout", data=form_fields(r.text, "/oauth2/logout"))
    assert r.status_code == 200 and "You are signed out" in r.text


def test_signed_out_visitors_go_straight_to_the_registered_uri(stack, rp):
    from urllib.parse import urlencode
    r = stack.get("/oauth2/logout?" + urlencode({"client_id": rp["client_id"], "post_logout_redirect_uri": LOGOUT_TO,
                                                 "state": "s2"}))
    assert r.status_code == 303 and r.headers["Location"] == LOGOUT_TO + "?state=s2"


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "http://rp.example/out", "not a uri"])
def test_registration_holds_post_logout_redirect_uris_to_the_redirect_uri_rules(stack, uri):
    r = register(stack, {"client_name": unique("rp"), "redirect_uris": [REDIRECT], "post_logout_redirect_uris": [uri]})
    assert r.status_code == 400 and r.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata"), r.text
