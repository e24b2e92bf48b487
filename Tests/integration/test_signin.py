"""GET/POST /login and POST /logout through nginx: the form and its pre-session CSRF
cookie, the session cookie, `next` never leaving the server, throttling of failures per
account and per address, and trusted REMOTE_USER on and off."""
import os
import subprocess
import time
from urllib.parse import urlencode

import pytest
import requests

from authflow import Browser, authorize_params, form_fields, loopback_address, make_app, make_user, pkce_pair, unique
from frontauth import pass_front_user_as_remote_user, trusting_stack


def set_cookie_for(response, name):
    """The Set-Cookie header line for `name` (requests folds several into one header)."""
    raw = response.raw.headers.getlist("Set-Cookie") if hasattr(response.raw.headers, "getlist") else []
    return next((c for c in raw if c.startswith(name + "=")), None)


# -- the form and its CSRF cookie ---------------------------------------------------------

def test_login_form_sets_a_csrf_cookie_matching_its_field(stack):
    r = stack.get("/login?next=/somewhere")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-store"
    cookie = set_cookie_for(r, "latch_login_csrf")
    assert cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    fields = dict(form_fields(r.text, "/login"))
    assert fields["csrf_token"] == r.cookies["latch_login_csrf"]
    assert len(fields["csrf_token"]) == 43
    assert fields["next"] == "/somewhere"
    assert 'name="username"' in r.text and 'name="password"' in r.text


def test_two_browsers_get_different_csrf_tokens(stack):
    a = stack.get("/login").cookies["latch_login_csrf"]
    b = stack.get("/login").cookies["latch_login_csrf"]
    assert a != b


def test_sign_in_without_a_matching_csrf_token_is_403(stack):
    name, password = make_user(stack)
    browser = Browser(stack)
    token = browser.login_form()["csrf_token"]
    attempts = [
        {"username": name, "password": password},                                          # no field
        {"username": name, "password": password, "csrf_token": "A" * 43},                  # another value
        {"username": name, "password": password, "csrf_token": ""},                        # empty
    ]
    for data in attempts:
        r = browser.post("/login", data=data)
        assert r.status_code == 403
        assert "latch_session" not in r.cookies
    # The right value, but no cookie (a cross-site post cannot send one it never saw).
    r = requests.post(stack.url("/login"), data={"username": name, "password": password, "csrf_token": token},
                      allow_redirects=False)
    assert r.status_code == 403
    assert "latch_session" not in r.cookies
    # A cookie planted with a value the attacker chose still has to match the field.
    r = requests.post(stack.url("/login"), data={"username": name, "password": password, "csrf_token": token},
                      cookies={"latch_login_csrf": "B" * 43}, allow_redirects=False)
    assert r.status_code == 403


def test_successful_sign_in_sets_the_session_cookie_and_goes_to_next(stack):
    name, password = make_user(stack)
    browser = Browser(stack)
    r = browser.sign_in(name, password, next_path="/oauth2/authorize?client_id=x&state=y")
    assert r.status_code == 303
    assert r.headers["Location"] == "/oauth2/authorize?client_id=x&state=y"
    cookie = set_cookie_for(r, "latch_session")
    assert cookie.startswith("latch_session=lss_")
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"]:
        assert attribute in cookie
    assert "Secure" not in cookie          # the test issuer is http://127.0.0.1
    home = browser.get("/")
    assert f"Signed in as <strong>{name}</strong>" in home.text
    session_id = browser.session.cookies["latch_session"][4:20]
    assert stack.scalar(f"SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = '{session_id}'") == name


def test_wrong_password_shows_the_form_again_without_a_session(stack):
    name, _ = make_user(stack)
    browser = Browser(stack, source_address=loopback_address())
    r = browser.sign_in(name, "not-the-password")
    assert r.status_code == 403
    assert "Wrong username or password" in r.text
    assert f'value="{name}"' in r.text
    assert "latch_session" not in browser.session.cookies
    r = browser.sign_in("no-such-user-" + unique("x"), "whatever")
    assert r.status_code == 403
    assert "Wrong username or password" in r.text


def test_missing_or_repeated_fields_are_400(stack):
    browser = Browser(stack)
    token = browser.login_form()["csrf_token"]
    r = browser.post("/login", data={"username": "someone", "csrf_token": token})
    assert r.status_code == 400
    r = browser.post("/login", data=[("username", "a"), ("username", "b"), ("password", "x"), ("csrf_token", token)])
    assert r.status_code == 400
    assert "latch_session" not in browser.session.cookies


def test_hostile_username_is_shown_as_text(stack):
    browser = Browser(stack, source_address=loopback_address())
    r = browser.sign_in('"><script>alert(1)</script>', "x")
    assert r.status_code == 403
    assert "<script>alert(1)" not in r.text
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


# -- next never leaves the server ------------------------------------------------------------

BAD_NEXT = ["//evil.example/", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "http:evil.example",
            "javascript:alert(1)", "evil.example", "/\t/evil.example", "/a\r\nSet-Cookie: x=1", "/%0d%0aX: y\r\n",
            "//%65vil.example", "/ /evil"]


@pytest.fixture(scope="module")
def signed_in(stack):
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    return browser


@pytest.mark.parametrize("bad", BAD_NEXT)
def test_unsafe_next_is_replaced_by_home(signed_in, bad):
    # Signed in: /login?next=… goes straight to a safe next, never to an unsafe one.
    r = signed_in.get("/login?" + urlencode({"next": bad}))
    assert r.status_code == 200
    assert "Location" not in r.headers
    # Signed out: the form carries home instead.
    r = requests.get(signed_in.stack.url("/login?" + urlencode({"next": bad})), allow_redirects=False)
    assert dict(form_fields(r.text, "/login"))["next"] == "/"


def test_safe_next_is_followed_when_already_signed_in(signed_in):
    r = signed_in.get("/login?" + urlencode({"next": "/oauth2/authorize?a=1"}))
    assert r.status_code == 303
    assert r.headers["Location"] == "/oauth2/authorize?a=1"


@pytest.mark.parametrize("bad", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_post_never_redirects_off_the_server(stack, bad):
    name, password = make_user(stack)
    browser = Browser(stack)
    token = browser.login_form()["csrf_token"]
    r = browser.post("/login", data={"username": name, "password": password, "csrf_token": token, "next": bad})
    assert r.status_code == 303
    assert r.headers["Location"] == "/"


# -- sign-out ------------------------------------------------------------------------------

def test_logout_needs_the_session_csrf_token(stack):
    name, password = make_user(stack)
    browser = Browser(stack)
    browser.sign_in(name, password)
    session_id = browser.session.cookies["latch_session"][4:20]
    r = browser.post("/logout", data={"csrf_token": "A" * 43})
    assert r.status_code == 403
    assert f"Signed in as <strong>{name}</strong>" in browser.get("/").text
    token = dict(form_fields(browser.get("/").text, "/logout"))["csrf_token"]
    old_cookie = browser.session.cookies["latch_session"]
    r = browser.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303
    assert r.headers["Location"] == "/login"
    assert "Max-Age=0" in set_cookie_for(r, "latch_session")
    assert stack.scalar(f"SELECT count(*) FROM sessions WHERE id = '{session_id}'") == "0"
    r = requests.get(stack.url("/"), cookies={"latch_session": old_cookie})
    assert "Signed in as" not in r.text
    assert 'href="/login"' in r.text


# -- throttling ----------------------------------------------------------------------------

def within_one_minute_window(stack):
    """The limiter counts per calendar minute: start a sequence early in one."""
    second = float(stack.scalar("SELECT extract(second FROM now())"))
    if second > 40:
        time.sleep(61 - second)


@pytest.fixture(scope="module")
def strict(make_stack):
    """LATCH_SIGNIN_FAILURE_LIMIT=3, and nginx passing X-Front-User as REMOTE_USER while the
    server does not trust it (LATCH_TRUST_REMOTE_USER defaults to false)."""
    s = make_stack({"LATCH_SIGNIN_FAILURE_LIMIT": "3"})
    pass_front_user_as_remote_user(s)
    return s


def assert_throttled(r):
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Too many" in r.text


def test_a_few_failures_per_account_no_longer_lock_it_for_the_minute(strict):
    # Revision 2: LATCH_SIGNIN_FAILURE_LIMIT is per address only. Per account, consecutive
    # failures slow it down exponentially after the fourth (test_signin_throttle.py); a
    # per-minute window per account let anyone lock any account out with 11 requests a minute.
    name, password = make_user(strict)
    within_one_minute_window(strict)
    for _ in range(3):
        assert Browser(strict, loopback_address()).sign_in(name, "wrong").status_code == 403
    browser = Browser(strict, loopback_address())
    assert browser.sign_in(name, password).status_code == 303
    assert "latch_session" in browser.session.cookies


def test_failures_are_throttled_per_address(strict):
    name, password = make_user(strict)
    address = loopback_address()
    within_one_minute_window(strict)
    for _ in range(3):
        assert Browser(strict, address).sign_in(unique("nobody"), "wrong").status_code == 403
    assert_throttled(Browser(strict, address).sign_in(name, password))
    # The account itself is fine from elsewhere.
    assert Browser(strict, loopback_address()).sign_in(name, password).status_code == 303


def test_successful_sign_ins_do_not_count(strict):
    name, password = make_user(strict)
    address = loopback_address()
    within_one_minute_window(strict)
    for _ in range(5):
        assert Browser(strict, address).sign_in(name, password).status_code == 303


# -- trusted REMOTE_USER ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def trusting(make_stack):
    # Revision 2: REMOTE_USER counts only with the front secret nginx sends (frontauth).
    return trusting_stack(make_stack)


def test_trusted_remote_user_is_signed_in_and_created(trusting):
    client = make_app(trusting, ["https://app.example/cb"])
    name = unique("carol")
    session = requests.Session()
    session.headers["X-Front-User"] = name
    query = urlencode(authorize_params(client, pkce_pair()[1], state="s"))
    r = session.get(trusting.url("/oauth2/authorize?" + query), allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")
    r = session.get(trusting.url(r.headers["Location"]), allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == "/oauth2/authorize?" + query
    assert "latch_session" in session.cookies
    r = session.get(trusting.url(r.headers["Location"]), allow_redirects=False)
    assert r.status_code == 200
    assert f'<strong class="user">{name}</strong>' in r.text
    assert trusting.psql(f"SELECT password_hash IS NULL FROM users WHERE username = '{name}'") == [["t"]]
    # Audited: the account's creation and the sign-in, by that person, from the browser's address.
    user_id = trusting.scalar(f"SELECT id FROM users WHERE username = '{name}'")
    assert trusting.psql(f"SELECT event, actor, source_address, detail::text FROM audit_events "
                         f"WHERE user_id = {user_id} ORDER BY id") == [
        ["user.created", name, "127.0.0.1", '{"via": "remote_user"}'],
        ["signin.success", name, "127.0.0.1", '{"method": "remote_user"}']]


def test_trusted_remote_user_overrides_a_session_of_someone_else(trusting):
    first, second = unique("dave"), unique("erin")
    session = requests.Session()
    session.get(trusting.url("/login"), headers={"X-Front-User": first}, allow_redirects=False)
    assert f"<strong>{first}</strong>" in session.get(trusting.url("/"), headers={"X-Front-User": first}).text
    # The front authenticator now says someone else: the old session does not count.
    r = session.get(trusting.url("/"), headers={"X-Front-User": second})
    assert f"<strong>{first}</strong>" not in r.text
    r = session.get(trusting.url("/login"), headers={"X-Front-User": second}, allow_redirects=False)
    assert r.status_code == 303
    assert f"<strong>{second}</strong>" in session.get(trusting.url("/"), headers={"X-Front-User": second}).text


def test_a_client_cannot_claim_remote_user_itself(trusting):
    name = unique("mallory")
    r = trusting.get("/login", headers={"X-Latch-Remote-User": name, "Remote-User": name})
    assert r.status_code == 200
    assert 'name="password"' in r.text
    assert "latch_session" not in r.cookies
    assert trusting.scalar(f"SELECT count(*) FROM users WHERE username = '{name}'") == "0"


def test_remote_user_is_ignored_when_not_trusted(strict):
    name = unique("frank")
    r = strict.get("/login", headers={"X-Front-User": name})
    assert r.headers["X-Test-Front-Authenticator"] == "on"   # nginx did pass REMOTE_USER
    assert r.status_code == 200
    assert 'name="password"' in r.text
    assert "latch_session" not in r.cookies
    assert strict.scalar(f"SELECT count(*) FROM users WHERE username = '{name}'") == "0"
