""""Your apps" (/account/apps): a signed-in person sees the apps they allowed (scopes, since,
last used) and revokes one with a form that does what DELETE /oauth2/tokens?client_id= does."""
import html
import re

import pytest

from authflow import Browser, authorize_params, ensure_scopes, exchange, me, pkce_pair, remember
from consolepages import csrf_of, signed_in
from tokenfactory import access_works, factory, refresh, refresh_works  # noqa: F401

XSS_NAME = "<img src=x onerror=alert(1)>"


def listed(page_text):
    """{client_id: the text of its entry}, in page order."""
    main = page_text[page_text.index("<main"):page_text.index("</main>")]
    chunks = main.split('<li class="allowed-app" data-client-id="')[1:]
    return {chunk[:chunk.index('"')]: html.unescape(re.sub(r"<[^>]+>", " ", chunk[chunk.index(">") + 1:]))
            for chunk in chunks}


@pytest.fixture
def world(stack, factory):
    """alice (signed in) allowed app on two devices (plus a code not yet redeemed) and other;
    bob allowed app too. app's grants carry scopes, other's none."""
    ensure_scopes(stack)
    app, other = factory.app(name="Alpha Notes"), factory.app(name="Beta Mail")
    browser, alice_name = signed_in(stack)
    alice = int(stack.scalar(f"SELECT id FROM users WHERE username = '{alice_name}'"))
    bob, _ = factory.user()
    return {
        "browser": browser, "app": app, "other": other, "alice": alice,
        "laptop": factory.tokens(app, alice, scope="profile"),
        "phone": factory.tokens(app, alice, scope="profile email"),
        "code": factory.code(app, alice),
        "alice_other": factory.tokens(other, alice),
        "bob": factory.tokens(app, bob, scope="profile"),
    }


def test_signed_out_people_are_sent_to_sign_in_first(stack, factory):
    r = stack.get("/account/apps")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=%2Faccount%2Fapps"
    app = factory.app()
    pair = factory.tokens(app, factory.user()[0])
    r = stack.post("/account/apps/revoke", data={"client_id": app.client_id, "csrf_token": "x"})
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=%2Faccount%2Fapps"
    assert access_works(stack, pair.access)


def test_the_page_lists_the_apps_the_person_allowed(stack, world):
    page = world["browser"].get("/account/apps")
    assert page.status_code == 200
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    entries = listed(page.text)
    assert list(entries) == [world["app"].client_id, world["other"].client_id]     # by name: Alpha, Beta
    alpha = " ".join(entries[world["app"].client_id].split())
    assert "Alpha Notes" in alpha
    # Scopes of both devices' grants, with what they mean.
    assert "See your username and account id ( profile )" in alpha
    assert "See your email address ( email )" in alpha
    assert re.search(r"Allowed since \d{4}-\d\d-\d\d \d\d:\d\d UTC", alpha)
    assert re.search(r"last used \d{4}-\d\d-\d\d \d\d:\d\d UTC", alpha)
    assert "No scopes" in entries[world["other"].client_id]
    # Each entry has its own Revoke form with the session's CSRF token.
    assert page.text.count('<form class="inline revoke" method="post" action="/account/apps/revoke">') == 2
    assert f'<input type="hidden" name="csrf_token" value="{csrf_of(page.text)}">' in page.text


def test_revoke_ends_every_token_of_that_app_for_that_person_only(stack, world):
    w = world
    page = w["browser"].get("/account/apps")
    r = w["browser"].post("/account/apps/revoke", data={"client_id": w["app"].client_id, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    assert r.headers["Location"] == f"/account/apps?revoked={w['app'].client_id}"
    after = w["browser"].get(r.headers["Location"])
    assert "You revoked <strong>Alpha Notes</strong>: its tokens no longer work." in after.text
    assert list(listed(after.text)) == [w["other"].client_id]
    # Exactly DELETE /oauth2/tokens?client_id=: both devices' tokens, and the pending code, are gone …
    for device in ("laptop", "phone"):
        assert not access_works(stack, w[device].access), device
        assert not refresh_works(stack, w["app"], w[device].refresh), device
        assert stack.scalar(f"SELECT revoked_reason FROM grants WHERE id = '{w[device].grant_id}'") == "user"
    r = refresh(stack, w["app"], w["phone"].refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert stack.scalar(f"SELECT count(*) FROM authorization_codes WHERE id = '{w['code'].id}'") == "0"
    # … and nobody else's, nor the person's other apps'.
    assert access_works(stack, w["bob"].access) and refresh_works(stack, w["app"], w["bob"].refresh)
    assert access_works(stack, w["alice_other"].access)


@pytest.mark.parametrize("csrf", [None, "", "wrong-token"])
def test_revoke_without_the_csrf_token_is_403_and_revokes_nothing(stack, world, csrf):
    data = {"client_id": world["app"].client_id}
    if csrf is not None:
        data["csrf_token"] = csrf
    r = world["browser"].post("/account/apps/revoke", data=data)
    assert r.status_code == 403
    assert "CSRF token is missing or wrong" in r.text
    assert access_works(stack, world["laptop"].access) and access_works(stack, world["phone"].access)
    assert stack.scalar(f"SELECT count(*) FROM authorization_codes WHERE id = '{world['code'].id}'") == "1"


def test_revoke_needs_a_client_id(stack, world):
    page = world["browser"].get("/account/apps")
    r = world["browser"].post("/account/apps/revoke", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 400 and "client_id is required" in r.text


def test_apps_whose_grants_ended_are_not_listed(stack, factory, world):
    w = world
    # Every token of the other app's grant expired (as if 30 days passed): nothing can come of it.
    stack.psql(f"UPDATE tokens SET expires_at = now() - interval '1 second' WHERE grant_id = '{w['alice_other'].grant_id}'")
    assert list(listed(w["browser"].get("/account/apps").text)) == [w["app"].client_id]
    # A bearer-token revocation (the API) and the page agree too.
    stack.request("DELETE", f"/oauth2/tokens?client_id={w['app'].client_id}",
                  headers={"Authorization": f"Bearer {w['laptop'].access}"})
    page = w["browser"].get("/account/apps").text
    assert listed(page) == {} and 'id="no-apps"' in page


def test_a_real_flow_shows_up_with_its_scopes_and_last_use(stack, world):
    """Sign-in → consent → exchange through the real endpoints, then the page."""
    redirect = "https://flow.example/cb"
    client_id = stack.latchctl("app", "create", "--name", XSS_NAME, "--callback-url", redirect).stdout.strip()
    secret = remember(stack, stack.latchctl("app", "secret", "create", client_id).stdout.strip())
    verifier, challenge = pkce_pair()
    code = world["browser"].code(authorize_params(client_id, challenge, redirect_uri=redirect, scope="email"))
    tokens = exchange(stack, code, verifier, client_id=client_id, secret=secret, redirect_uri=redirect).json()
    assert me(stack, tokens["access_token"]).status_code == 200
    page = world["browser"].get("/account/apps").text
    entry = listed(page)[client_id]
    assert XSS_NAME in entry and "See your email address" in entry
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    r = world["browser"].post("/account/apps/revoke", data={"client_id": client_id, "csrf_token": csrf_of(page)})
    assert "You revoked <strong>&lt;img src=x onerror=alert(1)&gt;</strong>" in world["browser"].get(r.headers["Location"]).text
    assert me(stack, tokens["access_token"]).status_code == 401


def test_the_header_and_landing_page_link_your_apps(stack):
    browser, name = signed_in(stack)
    page = browser.get("/account/apps").text
    header = re.search(r"<header>.*?</header>", page, re.S).group(0)
    assert '<a href="/account/apps">Your apps</a>' in header and "/admin" not in header
    assert f"<span>{name}</span>" in header
    assert '<a href="/account/apps">Your apps</a>' in browser.get("/").text
    assert Browser(stack).get("/").text.count("/account/apps") == 0
