"""The audit trail: every security-relevant act, done through nginx (or latchctl) the way a
person, an app or an admin does it, leaves its row in audit_events — the right event, actor,
user, client and source address — and no row holds a credential used along the way.

Each HTTP act comes from its own random 127.x.y.z address, so source_address is checked for
real (nginx passes the connecting address as REMOTE_ADDR)."""
import json
import os
import re
import secrets
import signal
import subprocess
import time

import pytest
import requests

from authflow import (Browser, SourceAddressAdapter, authorize_params, form_fields, loopback_address, make_user,
                      pkce_pair, query_of, unique)
from clienthelpers import bearer, create_user, make_session
from latchstack import BIN, EXECUTABLES, PG_BIN, ROOT
from tokenfactory import TokenFactory, factory  # noqa: F401

CREDENTIAL = re.compile(r"l(ac|at|rt|cs|rg|ss|ad)_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")
APPS = "/api/v2/oauth2-provider/apps"


# -- helpers ------------------------------------------------------------------------------

def mark(stack):
    """The newest audit event id now: rows after it are the acts that follow."""
    return int(stack.scalar("SELECT coalesce(max(id), 0) FROM audit_events"))


def events_since(stack, since):
    rows = stack.psql(f"SELECT row_to_json(e)::text FROM audit_events e WHERE id > {since} ORDER BY id")
    return [json.loads(r[0]) for r in rows]


def secret_parts(values):
    """Each credential, and for latch credentials also the secret part alone."""
    out = set()
    for value in values:
        if not value:
            continue
        out.add(value)
        if CREDENTIAL.fullmatch(value):
            out.add(value[21:])
    return out


def assert_clean(rows, *credentials):
    """No row holds a credential: none latch mints, and none of those the test used."""
    assert rows
    used = secret_parts(credentials)
    for row in rows:
        text = json.dumps(row)
        assert not CREDENTIAL.search(text), row
        for value in used:
            assert value not in text, (value, row)


def only(rows, event):
    found = [r for r in rows if r["event"] == event]
    assert len(found) == 1, (event, [r["event"] for r in rows])
    return found[0]


def assert_row(row, actor, user_id, client_id, address):
    assert (row["actor"], row["user_id"], row["client_id"], row["source_address"]) == \
        (actor, user_id, client_id, address), row
    assert row["occurred_at"]


def from_address(address):
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(address))
    return session


def post(stack, address, path, **kw):
    kw.setdefault("allow_redirects", False)
    kw.setdefault("timeout", 30)
    return from_address(address).post(stack.url(path), **kw)


def request(stack, address, method, path, **kw):
    kw.setdefault("allow_redirects", False)
    kw.setdefault("timeout", 30)
    return from_address(address).request(method, stack.url(path), **kw)


def signed_in_browser(stack, factory, address):
    """A browser of a new user (no password: a session made in PostgreSQL)."""
    user_id, username = factory.user()
    cookie, csrf = factory.session(user_id)
    browser = Browser(stack, address)
    browser.session.cookies.set("latch_session", cookie)
    return browser, user_id, username, cookie, csrf


class Flow:
    """An app and a user; the user allows the app, the app redeems the code and refreshes."""

    def __init__(self, stack, factory):
        self.stack = stack
        self.app = factory.app()
        self.browser_address, self.app_address = loopback_address(), loopback_address()
        self.browser, self.user_id, self.username, self.cookie, self.csrf = \
            signed_in_browser(stack, factory, self.browser_address)
        self.credentials = [self.app.secret, self.cookie, self.csrf]

    def code(self, state=None):
        verifier, challenge = pkce_pair()
        state = state or secrets.token_urlsafe(16)
        params = authorize_params(self.app.client_id, challenge, redirect_uri="https://app.example/cb", state=state)
        r = self.browser.decide(self.browser.consent(params), "allow")
        assert r.status_code == 302, r.text
        code = query_of(r.headers["Location"])["code"]
        self.credentials += [verifier, challenge, state, code]
        return code, verifier

    def token(self, **data):
        r = post(self.stack, self.app_address, "/oauth2/tokens", data=data, auth=self.app.auth)
        if r.status_code == 200:
            self.credentials += [r.json()["access_token"], r.json().get("refresh_token")]
        return r

    def exchange(self, code, verifier):
        return self.token(grant_type="authorization_code", code=code, code_verifier=verifier,
                          redirect_uri="https://app.example/cb")


# -- sign-in ------------------------------------------------------------------------------

def test_sign_in_success_failure_throttled_and_sign_out(stack):
    before = mark(stack)
    name, password = make_user(stack)
    created = only(events_since(stack, before), "user.created")
    user_id = int(stack.scalar(f"SELECT id FROM users WHERE username = '{name}'"))
    assert_row(created, "latchctl", user_id, None, None)
    assert created["detail"] == {"username": name, "admin": False}

    # A wrong password for a real account: the account is named.
    address = loopback_address()
    wrong = secrets.token_urlsafe(12)
    since = mark(stack)
    assert Browser(stack, address).sign_in(name, wrong).status_code == 403
    failure = only(events_since(stack, since), "signin.failure")
    assert_row(failure, name, user_id, None, address)
    assert failure["detail"] == {"reason": "wrong_password"}

    # A name no account has may be a password typed in the wrong field: it is not kept.
    typed = secrets.token_urlsafe(12)
    since = mark(stack)
    assert Browser(stack, address).sign_in(typed, wrong).status_code == 403
    unknown = only(events_since(stack, since), "signin.failure")
    assert_row(unknown, None, None, None, address)
    assert unknown["detail"] == {"reason": "unknown_account"}

    # Success, then sign-out with the session's CSRF token.
    browser = Browser(stack, address)
    since = mark(stack)
    assert browser.sign_in(name, password).status_code == 303
    cookie = browser.session.cookies["latch_session"]
    csrf = dict(form_fields(browser.get("/").text, "/logout"))["csrf_token"]
    assert browser.post("/logout", data={"csrf_token": csrf}).status_code == 303
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["signin.success", "signout"]
    assert_row(rows[0], name, user_id, None, address)
    assert rows[0]["detail"] == {"method": "password"}
    assert_row(rows[1], name, user_id, None, address)
    assert_clean(events_since(stack, before), password, wrong, typed, cookie, csrf)

    # Throttled: this address already failed as often as a minute allows (this window and
    # the next, so the minute may turn meanwhile); even the right password is refused.
    throttled_address = loopback_address()
    stack.psql(f"INSERT INTO rate_limits (bucket, window_start, hits) "
               f"SELECT 'signin-addr:{throttled_address}', date_trunc('minute', now()) + m * interval '1 minute', 10 "
               f"FROM generate_series(0, 1) AS m")
    since = mark(stack)
    assert Browser(stack, throttled_address).sign_in(name, password).status_code == 429
    throttled = only(events_since(stack, since), "signin.throttled")
    assert_row(throttled, name, user_id, None, throttled_address)
    assert 1 <= throttled["detail"]["retry_after"] <= 60
    assert_clean([throttled], password)


# -- consent, codes, refresh ----------------------------------------------------------------

def test_consent_allowed_and_code_issued_redeemed_then_refresh_rotated_and_reused(stack, factory):
    flow = Flow(stack, factory)
    app, uid = flow.app.client_id, flow.user_id
    since = mark(stack)
    code, verifier = flow.code()
    allowed, issued = events_since(stack, since)
    assert (allowed["event"], issued["event"]) == ("consent.allowed", "code.issued")
    for row in (allowed, issued):
        assert_row(row, flow.username, uid, app, flow.browser_address)
    assert allowed["detail"] == {"scope": ""}
    code_id = issued["detail"]["code_id"]
    assert code.startswith("lac_" + code_id + "_") and issued["detail"]["scope"] == ""

    since = mark(stack)
    r = flow.exchange(code, verifier)
    assert r.status_code == 200, r.text
    redeemed = only(events_since(stack, since), "code.redeemed")
    assert_row(redeemed, f"client:{app}", uid, app, flow.app_address)
    grant = stack.scalar(f"SELECT grant_id FROM authorization_codes WHERE id = '{code_id}'")
    assert redeemed["detail"] == {"code_id": code_id, "grant_id": grant, "scope": ""}

    first_refresh = r.json()["refresh_token"]
    since = mark(stack)
    assert flow.token(grant_type="refresh_token", refresh_token=first_refresh).status_code == 200
    rotated = only(events_since(stack, since), "refresh.rotated")
    assert_row(rotated, f"client:{app}", uid, app, flow.app_address)
    assert rotated["detail"] == {"grant_id": grant, "scope": ""}

    # The rotated-away token again: reuse, and the whole grant is revoked.
    since = mark(stack)
    r = flow.token(grant_type="refresh_token", refresh_token=first_refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["refresh.reuse_detected", "grant.revoked"]
    for row in rows:
        assert_row(row, f"client:{app}", uid, app, flow.app_address)
    assert rows[0]["detail"] == {"grant_id": grant}
    assert rows[1]["detail"] == {"grant_id": grant, "reason": "refresh_token_reuse"}
    # A third presentation is a reuse again, but the grant was already revoked.
    since = mark(stack)
    flow.token(grant_type="refresh_token", refresh_token=first_refresh)
    assert [r["event"] for r in events_since(stack, since)] == ["refresh.reuse_detected"]
    assert_clean(stack_rows_for(stack, app), *flow.credentials)


def stack_rows_for(stack, client_id):
    return [json.loads(r[0]) for r in stack.psql(
        f"SELECT row_to_json(e)::text FROM audit_events e WHERE client_id = '{client_id}' ORDER BY id")]


def test_consent_denied(stack, factory):
    flow = Flow(stack, factory)
    params = authorize_params(flow.app.client_id, pkce_pair()[1], state="st-" + secrets.token_hex(8))
    since = mark(stack)
    r = flow.browser.decide(flow.browser.consent(params), "cancel")
    assert r.status_code == 302 and query_of(r.headers["Location"])["error"] == "access_denied"
    denied = only(events_since(stack, since), "consent.denied")
    assert_row(denied, flow.username, flow.user_id, flow.app.client_id, flow.browser_address)
    assert denied["detail"] == {"scope": ""}
    assert_clean([denied], flow.cookie, flow.csrf, params["state"], params["code_challenge"])


def test_code_replayed_revokes_the_grant(stack, factory):
    flow = Flow(stack, factory)
    code, verifier = flow.code()
    assert flow.exchange(code, verifier).status_code == 200
    code_id = code[4:20]
    grant = stack.scalar(f"SELECT grant_id FROM authorization_codes WHERE id = '{code_id}'")
    since = mark(stack)
    assert flow.exchange(code, verifier).status_code == 400
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["code.replayed", "grant.revoked"]
    for row in rows:
        assert_row(row, f"client:{flow.app.client_id}", flow.user_id, flow.app.client_id, flow.app_address)
    assert rows[0]["detail"] == {"code_id": code_id, "grant_id": grant}
    assert rows[1]["detail"] == {"grant_id": grant, "reason": "code_replay"}
    assert_clean(rows, *flow.credentials)


def test_rejected_attempts_with_a_valid_code(stack, factory):
    flow = Flow(stack, factory)
    # A PKCE mismatch burns the code; the row says why, never the verifier.
    code, verifier = flow.code()
    wrong_verifier = pkce_pair()[0]
    since = mark(stack)
    r = flow.exchange(code, wrong_verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    rejected = only(events_since(stack, since), "code.rejected")
    assert_row(rejected, f"client:{flow.app.client_id}", flow.user_id, flow.app.client_id, flow.app_address)
    assert rejected["detail"] == {"code_id": code[4:20], "error": "invalid_grant",
                                  "reason": "code_verifier does not match the code_challenge"}
    # Another app presenting this user's code: the row names the presenter as actor and the
    # code's app as client.
    other = factory.app()
    code, verifier = flow.code()
    address = loopback_address()
    since = mark(stack)
    r = post(stack, address, "/oauth2/tokens", auth=other.auth,
             data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                   "redirect_uri": "https://app.example/cb"})
    assert r.status_code == 400
    stolen = only(events_since(stack, since), "code.rejected")
    assert_row(stolen, f"client:{other.client_id}", flow.user_id, flow.app.client_id, address)
    assert stolen["detail"]["reason"] == "the authorization code was issued to another client"
    # A code that never was (wrong secret) leaves no row: its presenter never held one.
    since = mark(stack)
    forged = code[:21] + "A" * 43
    assert flow.exchange(forged, verifier).status_code == 400
    assert events_since(stack, since) == []
    assert_clean([rejected, stolen], *flow.credentials, wrong_verifier, other.secret)


def test_client_credentials_token_issued(stack, factory):
    app = factory.app(client_credentials=True)
    address = loopback_address()
    since = mark(stack)
    r = post(stack, address, "/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth)
    assert r.status_code == 200, r.text
    issued = only(events_since(stack, since), "token.issued")
    assert_row(issued, f"client:{app.client_id}", None, app.client_id, address)
    grant = stack.scalar(f"SELECT grant_id FROM tokens WHERE id = '{r.json()['access_token'][4:20]}'")
    # Revision 2: every token has an audience; the row names it.
    assert issued["detail"] == {"grant_type": "client_credentials", "grant_id": grant, "scope": "", "resource": stack.issuer}
    assert_clean([issued], app.secret, r.json()["access_token"])


# -- revocation -----------------------------------------------------------------------------

def test_token_revoked_by_its_client(stack, factory):
    app = factory.app()
    user_id, _ = factory.user()
    pair = factory.tokens(app, user_id)
    other = factory.tokens(app, user_id)
    address = loopback_address()
    since = mark(stack)
    assert post(stack, address, "/oauth2/revoke", data={"token": pair.access}, auth=app.auth).status_code == 200
    assert post(stack, address, "/oauth2/revoke", data={"token": other.refresh}, auth=app.auth).status_code == 200
    # Nothing revoked (unknown token, or the same one again): no row.
    assert post(stack, address, "/oauth2/revoke", data={"token": pair.access}, auth=app.auth).status_code == 200
    assert post(stack, address, "/oauth2/revoke", data={"token": "lat_" + "0" * 16 + "_" + "x" * 43},
                auth=app.auth).status_code == 200
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["token.revoked", "token.revoked"]
    for row in rows:
        assert_row(row, f"client:{app.client_id}", user_id, app.client_id, address)
    assert rows[0]["detail"] == {"token_kind": "access", "grant_id": pair.grant_id}
    assert rows[1]["detail"] == {"token_kind": "refresh", "grant_id": other.grant_id, "grant_revoked": True}
    assert_clean(rows, app.secret, pair.access, pair.refresh, other.access, other.refresh)


def test_grant_revoked_by_the_user(stack, factory):
    app = factory.app()
    user_id, username = factory.user()
    laptop, phone = factory.tokens(app, user_id), factory.tokens(app, user_id)
    factory.code(app, user_id)
    cookie, csrf = factory.session(user_id)
    address = loopback_address()
    since = mark(stack)
    r = request(stack, address, "DELETE", f"/oauth2/tokens?client_id={app.client_id}",
                cookies={"latch_session": cookie}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    by_session = only(events_since(stack, since), "grant.revoked")
    assert_row(by_session, username, user_id, app.client_id, address)
    assert by_session["detail"] == {"reason": "user", "grant_ids": sorted([laptop.grant_id, phone.grant_id]),
                                    "code_count": 1}

    # The app disconnecting itself with the user's token: the app is the actor.
    pair = factory.tokens(app, user_id)
    since = mark(stack)
    r = request(stack, address, "DELETE", f"/oauth2/tokens?client_id={app.client_id}", headers=bearer(pair.access))
    assert r.status_code == 204
    by_app = only(events_since(stack, since), "grant.revoked")
    assert_row(by_app, f"client:{app.client_id}", user_id, app.client_id, address)
    assert by_app["detail"] == {"reason": "user", "grant_ids": [pair.grant_id], "code_count": 0}
    assert_clean([by_session, by_app], cookie, csrf, laptop.access, laptop.refresh, pair.access)


# -- clients: registration and the management API --------------------------------------------

def test_client_registered_updated_and_deleted_by_registration(stack):
    address = loopback_address()
    since = mark(stack)
    r = post(stack, address, "/oauth2/register",
             json={"redirect_uris": ["https://reg.example/cb"], "client_name": "Audited registration"})
    assert r.status_code == 201, r.text
    registered = r.json()
    client_id, secret = registered["client_id"], registered["client_secret"]
    uri = registered["registration_client_uri"][len(stack.issuer):]
    token = registered["registration_access_token"]
    update = {"client_id": client_id, "client_name": "Renamed", "redirect_uris": ["https://reg.example/cb2"]}
    r = request(stack, address, "PUT", uri, json=update, headers=bearer(token))
    assert r.status_code == 200, r.text
    token2 = r.json()["registration_access_token"]
    assert request(stack, address, "DELETE", uri, headers=bearer(token2)).status_code == 204
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["client.registered", "client.updated", "client.deleted"]
    for row in rows:
        assert_row(row, f"client:{client_id}", None, client_id, address)
    assert rows[0]["detail"] == {"via": "registration", "name": "Audited registration",
                                 "redirect_uris": ["https://reg.example/cb"],
                                 "grant_types": ["authorization_code", "refresh_token"],
                                 "token_endpoint_auth_method": "client_secret_basic"}
    assert rows[1]["detail"]["name"] == "Renamed" and rows[1]["detail"]["redirect_uris"] == ["https://reg.example/cb2"]
    assert rows[2]["detail"] == {"via": "registration", "name": "Renamed"}
    assert_clean(rows, secret, token, token2)


def test_apps_and_secrets_through_the_management_api(stack):
    token_name = unique("audit-bot")
    since = mark(stack)
    created = stack.latchctl_json("admin-token", "create", token_name)
    admin_token = created["token"]
    address = loopback_address()
    headers = bearer(admin_token)
    r = post(stack, address, APPS, json={"name": "Managed", "callback_url": "https://managed.example/cb"}, headers=headers)
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    r = request(stack, address, "PUT", f"{APPS}/{app_id}", headers=headers,
                json={"name": "Managed 2", "callback_url": "https://managed.example/cb"})
    assert r.status_code == 200, r.text
    r = post(stack, address, f"{APPS}/{app_id}/secrets", headers=headers)
    assert r.status_code == 201
    secret_id, client_secret = r.json()["id"], r.json()["client_secret_full"]
    assert request(stack, address, "DELETE", f"{APPS}/{app_id}/secrets/{secret_id}", headers=headers).status_code == 204
    assert request(stack, address, "DELETE", f"{APPS}/{app_id}", headers=headers).status_code == 204
    stack.latchctl("admin-token", "revoke", created["id"])
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["admin.token_created", "client.registered", "client.updated",
                                          "secret.created", "secret.revoked", "client.deleted", "admin.token_revoked"]
    assert_row(rows[0], "latchctl", None, None, None)
    assert rows[0]["detail"] == {"admin_token_id": created["id"], "name": token_name}
    for row in rows[1:6]:
        assert_row(row, f"admin-token:{token_name}", None, app_id, address)
    assert rows[1]["detail"]["via"] == "management_api" and rows[1]["detail"]["name"] == "Managed"
    assert rows[2]["detail"]["name"] == "Managed 2"
    assert rows[3]["detail"] == rows[4]["detail"] == {"secret_id": secret_id, "via": "management_api"}
    assert rows[5]["detail"] == {"via": "management_api"}
    assert_row(rows[6], "latchctl", None, None, None)
    assert rows[6]["detail"] == {"admin_token_id": created["id"]}
    assert_clean(rows, admin_token, client_secret)


def test_management_api_by_an_admin_session_names_the_admin(stack):
    admin = create_user(stack, admin=True)
    cookies, csrf = make_session(stack, admin["id"])
    address = loopback_address()
    since = mark(stack)
    r = post(stack, address, APPS, json={"name": "By session", "callback_url": "https://session.example/cb"},
             cookies=cookies, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    registered = only(events_since(stack, since), "client.registered")
    assert_row(registered, admin["username"], None, r.json()["id"], address)
    assert_clean([registered], cookies["latch_session"], csrf)


# -- latchctl -------------------------------------------------------------------------------

def test_admin_actions_through_latchctl(stack, factory):
    scope = unique("audit_scope").replace("-", "_")
    since = mark(stack)
    stack.latchctl("scope", "add", scope, "--description", "Audited scope")
    app = stack.latchctl("app", "create", "--name", "CLI app", "--callback-url", "https://cli.example/cb").stdout.strip()
    secret = stack.latchctl_json("app", "secret", "create", app)
    stack.latchctl("app", "secret", "delete", app, secret["id"])
    user_id, username = factory.user()
    pair = factory.tokens(app, user_id)
    stack.latchctl("tokens", "revoke", "--app", app, "--user", username)
    stack.latchctl("user", "disable", username)
    stack.latchctl("app", "delete", app)
    stack.latchctl("purge")
    rows = events_since(stack, since)
    assert [r["event"] for r in rows] == ["admin.scope_added", "client.registered", "secret.created", "secret.revoked",
                                          "admin.tokens_revoked", "user.disabled", "client.deleted", "admin.purged"]
    for row in rows:
        assert row["actor"] == "latchctl" and row["source_address"] is None, row
    assert rows[0]["detail"] == {"scope": scope, "description": "Audited scope", "open": False}
    assert (rows[1]["client_id"], rows[1]["detail"]["via"], rows[1]["detail"]["name"]) == (app, "latchctl", "CLI app")
    assert rows[2]["client_id"] == rows[3]["client_id"] == app
    assert rows[2]["detail"] == rows[3]["detail"] == {"secret_id": secret["id"]}
    assert (rows[4]["user_id"], rows[4]["client_id"]) == (user_id, app)
    assert rows[4]["detail"] == {"reason": "admin", "grant_count": 1, "token_count": 2, "code_count": 0}
    assert (rows[5]["user_id"], rows[5]["client_id"]) == (user_id, None)
    assert rows[5]["detail"] == {"username": username, "session_count": 0, "grant_count": 0}
    assert rows[6]["client_id"] == app
    assert [d["table"] for d in rows[7]["detail"]["deleted"]] == ["authorization_codes", "tokens", "grants", "sessions",
                                                               "rate_limits", "clients", "signin_throttle",
                                                               "client_key_sets"]
    assert all(isinstance(d["rows"], int) for d in rows[7]["detail"]["deleted"])
    assert_clean(rows, secret["client_secret"], pair.access, pair.refresh)


# -- latchctl audit over a whole flow ---------------------------------------------------------

def test_latchctl_audit_shows_a_full_flow_in_order(stack, factory):
    flow = Flow(stack, factory)
    app = flow.app.client_id
    code, verifier = flow.code()
    tokens = flow.exchange(code, verifier).json()
    rotated = flow.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert post(stack, flow.app_address, "/oauth2/revoke", data={"token": rotated["refresh_token"]},
                auth=flow.app.auth).status_code == 200
    events = stack.latchctl_json("audit", "--client", app)
    assert [e["event"] for e in events] == ["client.registered", "secret.created", "consent.allowed", "code.issued",
                                            "code.redeemed", "refresh.rotated", "token.revoked"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    for e in events[2:]:
        assert e["client_id"] == app and e["user_id"] == flow.user_id and e["username"] == flow.username
    assert [e["source_address"] for e in events] == [None, None] + [flow.browser_address] * 2 + [flow.app_address] * 3
    assert [e["actor"] for e in events] == ["latchctl", "latchctl", flow.username, flow.username] + [f"client:{app}"] * 3
    # The table form shows the same trail; neither shows a credential.
    table = stack.latchctl("audit", "--client", app).stdout
    assert len(table.splitlines()) == 1 + len(events)
    assert_clean(events, *flow.credentials)
    assert_clean([table], *flow.credentials)


# -- the request log names the client ---------------------------------------------------------

def test_request_log_names_the_client(stack, factory):
    flow = Flow(stack, factory)
    code, verifier = flow.code()
    assert flow.exchange(code, verifier).status_code == 200
    assert flow.token(grant_type="refresh_token", refresh_token="lrt_" + "0" * 16 + "_" + "y" * 43).status_code == 400
    assert post(stack, flow.app_address, "/oauth2/introspect", data={"token": "x"}, auth=flow.app.auth).status_code == 200
    assert post(stack, flow.app_address, "/oauth2/revoke", data={"token": "x"}, auth=flow.app.auth).status_code == 200
    lines = [json.loads(line) for executable in ("latch-tokens", "latch-authorize")
             for line in stack.log(executable).splitlines() if line.startswith("{")]
    mine = [(l["method"], l["path"], l["status"]) for l in lines if l.get("client_id") == flow.app.client_id]
    for expected in [("GET", "/oauth2/authorize", 200), ("POST", "/oauth2/authorize", 302),
                     ("POST", "/oauth2/tokens", 200), ("POST", "/oauth2/tokens", 400),
                     ("POST", "/oauth2/introspect", 200), ("POST", "/oauth2/revoke", 200)]:
        assert expected in mine, (expected, mine)


# -- the executables' least-privilege role --------------------------------------------------

def restart_as(stack, database_url):
    """Restarts the stack's executables (as deploy/stack starts them) with another database URL;
    returns their processes, which the caller stops."""
    run = os.path.join(stack.dir, "run")
    old = [stack.supervisor_pid(executable) for executable in EXECUTABLES]
    for pid in old:
        os.kill(pid, signal.SIGTERM)
    assert stack.wait_until(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in old), timeout=20)
    env = dict(os.environ)
    env.update(stack.env)
    env["LATCH_DATABASE_URL"] = database_url
    processes = []
    for executable in EXECUTABLES:
        socket_path = os.path.join(run, f"{executable}.sock")
        if os.path.exists(socket_path):
            os.unlink(socket_path)
        with open(os.path.join(stack.dir, "log", f"{executable}.log"), "ab") as log:
            processes.append(subprocess.Popen(
                [os.path.join(BIN, executable), "--listen", f"unix:{socket_path}", "--workers", "2"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True))
        with open(os.path.join(run, f"{executable}.pid"), "w") as f:
            f.write(str(processes[-1].pid))
    assert stack.wait_until(lambda: all(os.path.exists(os.path.join(run, f"{e}.sock")) for e in EXECUTABLES), timeout=20)
    return processes


@pytest.fixture(scope="module")
def least_privilege(make_stack):
    """A stack whose executables connect as latch_app, the role deploy/roles.sql and
    sql/091_roles.sql set up: rows of latch's tables, but INSERT only on audit_events."""
    s = make_stack()
    r = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", os.path.join(s.dir, "pgsock"), "-p", str(s.pg_port),
                        "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "dbname=latch",
                        "-f", os.path.join(ROOT, "deploy", "roles.sql")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    s.psql("CALL latch_apply_grants()")
    url = s.database_url.replace("user=postgres", "user=latch_app")
    assert url != s.database_url
    processes = restart_as(s, url)
    try:
        assert s.wait_until(lambda: s.get("/.well-known/oauth-authorization-server").status_code == 200, timeout=20)
        yield s
    finally:
        # Ours to stop (and reap, so the stack's own shutdown does not wait on zombies).
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_every_hot_path_records_as_the_least_privileged_role(least_privilege):
    s = least_privilege
    denied = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", os.path.join(s.dir, "pgsock"), "-p", str(s.pg_port),
                             "-U", "latch_app", "-d", "latch", "-X", "-c", "SELECT count(*) FROM audit_events"],
                            capture_output=True, text=True, timeout=60)
    assert denied.returncode != 0 and "permission denied" in denied.stderr

    f = TokenFactory(s)
    flow = Flow(s, f)
    app = flow.app.client_id
    code, verifier = flow.code()
    tokens = flow.exchange(code, verifier).json()
    assert flow.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code == 200
    assert flow.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code == 400  # reuse
    assert flow.exchange(code, verifier).status_code == 400                       # replay (grant already revoked)
    code, _ = flow.code()
    assert flow.exchange(code, pkce_pair()[0]).status_code == 400                # rejected
    cc = f.app(client_credentials=True)
    assert post(s, flow.app_address, "/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=cc.auth).status_code == 200
    pair = f.tokens(flow.app, flow.user_id)
    assert post(s, flow.app_address, "/oauth2/revoke", data={"token": pair.access}, auth=flow.app.auth).status_code == 200
    assert request(s, flow.browser_address, "DELETE", f"/oauth2/tokens?client_id={app}",
                   cookies={"latch_session": flow.cookie}, headers={"X-CSRF-Token": flow.csrf}).status_code == 204
    events = [r["event"] for r in stack_rows_for(s, app)]
    assert events == ["client.registered", "secret.created", "consent.allowed", "code.issued", "code.redeemed",
                      "refresh.rotated", "refresh.reuse_detected", "grant.revoked", "code.replayed",
                      "consent.allowed", "code.issued", "code.rejected", "token.revoked", "grant.revoked"]
    assert [r["event"] for r in stack_rows_for(s, cc.client_id)][-1] == "token.issued"
    # Every executable's connection was latch_app's (each names itself after its executable).
    assert s.psql("SELECT DISTINCT usename FROM pg_stat_activity "
                  "WHERE backend_type = 'client backend' AND application_name LIKE 'latch-%'") == [["latch_app"]]
