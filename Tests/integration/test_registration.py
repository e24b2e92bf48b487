"""Dynamic client registration (RFC 7591) and the client configuration endpoint (RFC 7592)."""
import time

import pytest

from clienthelpers import (basic, bearer, create_user, make_access_token, make_session, me_status, no_empty_strings,
                           register, unique)

LOOPBACK = "http://127.0.0.1:49152/callback"


@pytest.fixture(scope="module")
def stack(make_stack):
    """These tests register hundreds of clients from 127.0.0.1: they get their own stack with a
    registration rate limit they cannot reach, so that neither they nor the other suites on the
    shared stack trip over the default of 20 a minute. The limit itself is tested below."""
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


# -- registration -------------------------------------------------------------------------

def test_public_client_gets_no_secret_and_every_contract_field(stack):
    r = register(stack, {"redirect_uris": [LOOPBACK], "client_name": "CLI tool", "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["client_id"].startswith("app_")
    assert "client_secret" not in body and "client_secret_expires_at" not in body
    assert abs(body["client_id_issued_at"] - time.time()) < 300
    assert body["registration_access_token"].startswith("lrg_")
    assert body["registration_client_uri"] == f"{stack.issuer}/oauth2/clients/{body['client_id']}"
    assert body["redirect_uris"] == [LOOPBACK]
    assert body["token_endpoint_auth_method"] == "none"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["response_types"] == ["code"]
    assert body["client_name"] == "CLI tool"
    row = stack.psql(f"SELECT name, origin, token_endpoint_auth_method, registration_token_id, "
                     f"length(registration_token_hash), (SELECT count(*) FROM client_secrets s WHERE s.client_id = c.client_id) "
                     f"FROM clients c WHERE client_id = '{body['client_id']}'")[0]
    token_id = body["registration_access_token"][4:20]
    assert row == ["CLI tool", "dynamic", "none", token_id, "32", "0"]


def test_confidential_defaults_and_the_secret_authenticates_with_the_registered_method(stack):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["response_types"] == ["code"]
    assert body["client_secret"].startswith("lcs_")
    assert body["client_secret_expires_at"] == 0
    assert body["client_name"] == body["client_id"]  # default display name
    assert stack.scalar(f"SELECT count(*) FROM client_secrets WHERE client_id = '{body['client_id']}'") == "1"
    # The secret is not stored: only its hash.
    assert stack.scalar(f"SELECT count(*) FROM client_secrets WHERE secret_hash::text LIKE '%{body['client_secret'][21:]}%'") == "0"
    # Held to its registered method: Basic authenticates (the grant is then judged), POST does not.
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, headers=basic(body["client_id"], body["client_secret"]))
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials", "client_id": body["client_id"],
                                           "client_secret": body["client_secret"]})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_confidential_client_may_register_only_client_credentials(stack):
    # Revision 2: client_credentials is for verified clients, so only with an admin token
    # (anonymously it is 400 invalid_client_metadata: test_trust_registration.py).
    admin = {"Authorization": "Bearer " + stack.latchctl("admin-token", "create", unique("reg-cc")).stdout.strip()}
    r = register(stack, {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post",
                         "client_name": "batch job"}, headers=admin)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["grant_types"] == ["client_credentials"]
    assert body["response_types"] == []
    assert "redirect_uris" not in body
    assert body["client_secret"].startswith("lcs_")
    r = register(stack, {"grant_types": ["authorization_code", "refresh_token", "client_credentials"],
                         "redirect_uris": ["https://svc.example.com/cb"]}, headers=admin)
    assert r.status_code == 201 and "client_credentials" in r.json()["grant_types"]


def test_scope_logo_and_informational_metadata_are_kept_and_empty_uris_omitted(stack):
    scope = unique("reg") + ":read"
    # Revision 2: an anonymous registration keeps only open scopes (test_resources_registry.py covers narrowing).
    stack.latchctl("scope", "add", scope, "--description", "read things", "--open")
    r = register(stack, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none", "scope": scope,
                         "logo_uri": "https://cdn.example.com/logo.png", "client_uri": "https://example.com",
                         "policy_uri": "", "tos_uri": "", "contacts": ["ops@example.com"], "software_id": "tool",
                         "software_version": "1.2"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["scope"] == scope
    assert body["logo_uri"] == "https://cdn.example.com/logo.png"
    assert body["client_uri"] == "https://example.com"
    assert body["contacts"] == ["ops@example.com"]
    assert body["software_id"] == "tool" and body["software_version"] == "1.2"
    assert "policy_uri" not in body and "tos_uri" not in body
    assert no_empty_strings(body)
    row = stack.psql(f"SELECT icon, array_to_string(scope, ' '), metadata->>'client_uri' FROM clients WHERE client_id = '{body['client_id']}'")[0]
    assert row == ["https://cdn.example.com/logo.png", scope, "https://example.com"]


def test_unknown_members_are_ignored(stack):
    r = register(stack, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none",
                         "application_type": "native", "sector_identifier_uri": "https://example.com/sectors", "x-custom": {"a": 1}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert "x-custom" not in body and "sector_identifier_uri" not in body
    assert body["application_type"] == "native"  # accepted and stored (RFC 7591 §2, OpenID Connect Registration)


ACCEPTED_REDIRECT_URIS = [
    "https://app.example.com/callback",
    "https://app.example.com:8443/cb?tenant=1",
    "http://127.0.0.1/callback",
    "http://127.0.0.1:8080/cb",
    "http://[::1]:3000/cb",
    "http://localhost:5000/oauth/callback",
    "myapp://callback",
    "com.example.app:/oauth2redirect",
    "jetbrains://idea/oauth",
    "vscode://vendor.extension/auth",
]


@pytest.mark.parametrize("uri", ACCEPTED_REDIRECT_URIS)
def test_redirect_uri_accepted(stack, uri):
    r = register(stack, {"redirect_uris": [uri], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    assert r.json()["redirect_uris"] == [uri]


REFUSED_REDIRECT_URIS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://files.example.com/cb",
    "vbscript:msgbox(1)",
    "blob:https://app.example.com/1234",
    "http://app.example.com/callback",
    "HTTP://app.example.com/callback",
    "http://10.0.0.5/callback",
    "https://app.example.com/cb#fragment",
    "myapp://callback#x",
    "/relative/callback",
    "callback",
    "",
    "https://",
    "https://app.example.com/c b",
]


@pytest.mark.parametrize("uri", REFUSED_REDIRECT_URIS)
def test_redirect_uri_refused(stack, uri):
    before = stack.scalar("SELECT count(*) FROM clients")
    r = register(stack, {"redirect_uris": ["https://ok.example.com/cb", uri], "token_endpoint_auth_method": "none"})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_redirect_uri"
    assert r.json()["error_description"]
    assert stack.scalar("SELECT count(*) FROM clients") == before


REFUSED_METADATA = [
    ("redirect_uris is a string", {"redirect_uris": LOOPBACK}),
    ("redirect_uris holds a number", {"redirect_uris": [5]}),
    ("redirect_uris missing", {"client_name": "x"}),
    ("redirect_uris empty", {"redirect_uris": []}),
    ("grant type implicit", {"redirect_uris": [LOOPBACK], "grant_types": ["implicit"]}),
    ("grant type password", {"redirect_uris": [LOOPBACK], "grant_types": ["authorization_code", "password"]}),
    ("grant_types is a string", {"redirect_uris": [LOOPBACK], "grant_types": "authorization_code"}),
    ("grant_types empty", {"redirect_uris": [LOOPBACK], "grant_types": []}),
    ("refresh_token alone", {"redirect_uris": [LOOPBACK], "grant_types": ["refresh_token"]}),
    ("response type token", {"redirect_uris": [LOOPBACK], "response_types": ["token"]}),
    ("response type id_token", {"redirect_uris": [LOOPBACK], "response_types": ["code", "id_token"]}),
    ("code without response type", {"redirect_uris": [LOOPBACK], "response_types": []}),
    ("response type without code grant", {"grant_types": ["client_credentials"], "response_types": ["code"]}),
    ("auth method private_key_jwt", {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "private_key_jwt"}),
    ("auth method client_secret_jwt", {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "client_secret_jwt"}),
    ("auth method is a number", {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": 1}),
    ("public client_credentials", {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"}),
    ("client_name is a number", {"redirect_uris": [LOOPBACK], "client_name": 42}),
    ("client_name too long", {"redirect_uris": [LOOPBACK], "client_name": "n" * 201}),
    ("logo_uri javascript", {"redirect_uris": [LOOPBACK], "logo_uri": "javascript:alert(1)"}),
    ("logo_uri plain http", {"redirect_uris": [LOOPBACK], "logo_uri": "http://cdn.example.com/logo.png"}),
    ("client_uri relative", {"redirect_uris": [LOOPBACK], "client_uri": "/home"}),
    ("scope undefined", {"redirect_uris": [LOOPBACK], "scope": "no-such-scope-anywhere"}),
    ("scope is a list", {"redirect_uris": [LOOPBACK], "scope": ["a"]}),
    ("scope malformed", {"redirect_uris": [LOOPBACK], "scope": "a  b"}),
    ("contacts is a string", {"redirect_uris": [LOOPBACK], "contacts": "ops@example.com"}),
    ("too many redirect uris", {"redirect_uris": [f"https://app.example.com/cb{i}" for i in range(21)]}),
]


@pytest.mark.parametrize("why,metadata", REFUSED_METADATA, ids=[m[0] for m in REFUSED_METADATA])
def test_bad_metadata_refused(stack, why, metadata):
    r = register(stack, metadata)
    assert r.status_code == 400, f"{why}: {r.text}"
    assert r.json()["error"] == "invalid_client_metadata", why


RAW_BODIES = [
    ("duplicate key", b'{"redirect_uris":["https://a.example.com/cb"],"redirect_uris":["https://b.example.com/cb"]}'),
    ("not JSON", b"redirect_uris=https://a.example.com/cb"),
    ("truncated", b'{"redirect_uris":["https://a.example.com/cb"'),
    ("array", b'[{"redirect_uris":["https://a.example.com/cb"]}]'),
    ("null", b"null"),
    ("trailing data", b'{"redirect_uris":["https://a.example.com/cb"]} {}'),
    ("invalid UTF-8", b'{"client_name":"\xff","redirect_uris":["https://a.example.com/cb"]}'),
    ("empty", b""),
]


@pytest.mark.parametrize("why,raw", RAW_BODIES, ids=[b[0] for b in RAW_BODIES])
def test_malformed_json_is_invalid_client_metadata(stack, why, raw):
    r = stack.post("/oauth2/register", data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, why
    assert r.json()["error"] == "invalid_client_metadata", why


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain", "application/jsonx"])
def test_body_must_be_application_json(stack, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = stack.post("/oauth2/register", data=b'{"redirect_uris":["https://a.example.com/cb"]}', headers=headers)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"


def test_register_accepts_json_with_charset(stack):
    r = stack.post("/oauth2/register", data=b'{"redirect_uris":["https://a.example.com/cb"]}',
                   headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201


def test_only_post_on_register(stack):
    assert stack.get("/oauth2/register").status_code == 405


# -- RFC 7592 ------------------------------------------------------------------------------

def config(stack, method, body, token, **kw):
    path = body["registration_client_uri"][len(stack.issuer):]
    return stack.request(method, path, headers=bearer(token), **kw)


def test_rfc7592_round_trip(stack):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"], "client_name": "Round trip",
                         "logo_uri": "https://app.example.com/logo.png", "client_uri": "https://app.example.com"})
    assert r.status_code == 201
    registered = r.json()
    secret = registered["client_secret"]

    # Read: same client, and a fresh registration access token (latch stores only a hash, so
    # the client information response carries a rotated one; the old one stops working).
    r = config(stack, "GET", registered, registered["registration_access_token"])
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    read = r.json()
    assert read["client_id"] == registered["client_id"]
    assert read["client_name"] == "Round trip"
    assert read["logo_uri"] == "https://app.example.com/logo.png"
    assert read["client_id_issued_at"] == registered["client_id_issued_at"]
    assert "client_secret" not in read
    assert read["registration_client_uri"] == registered["registration_client_uri"]
    assert read["registration_access_token"] != registered["registration_access_token"]
    assert config(stack, "GET", registered, registered["registration_access_token"]).status_code == 401
    token = read["registration_access_token"]

    # Update: full replacement; omitted logo_uri and client_uri are removed.
    update = {"client_id": registered["client_id"], "client_secret": secret, "client_name": "Renamed",
              "redirect_uris": ["https://app.example.com/cb", "https://app.example.com/cb2"],
              "token_endpoint_auth_method": "client_secret_post",
              "registration_access_token": token, "client_id_issued_at": 1}
    r = config(stack, "PUT", registered, token, json=update)
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["client_name"] == "Renamed"
    assert updated["redirect_uris"] == ["https://app.example.com/cb", "https://app.example.com/cb2"]
    assert updated["token_endpoint_auth_method"] == "client_secret_post"
    assert "logo_uri" not in updated and "client_uri" not in updated
    assert updated["client_id_issued_at"] == registered["client_id_issued_at"]
    assert no_empty_strings(updated)
    token = updated["registration_access_token"]
    row = stack.psql(f"SELECT name, icon IS NULL, metadata::text, token_endpoint_auth_method FROM clients "
                     f"WHERE client_id = '{registered['client_id']}'")[0]
    assert row == ["Renamed", "t", '{"application_type": "web"}', "client_secret_post"]

    # The secret was kept, and now authenticates by client_secret_post only.
    r = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials", "client_id": registered["client_id"],
                                           "client_secret": secret})
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"

    # Delete: 204, then the token, the client and everything it held are gone.
    user = create_user(stack)
    access, _ = make_access_token(stack, registered["client_id"], user["id"])
    assert me_status(stack, access) == 200
    r = config(stack, "DELETE", registered, token)
    assert r.status_code == 204
    assert me_status(stack, access) == 401
    assert stack.scalar(f"SELECT count(*) FROM clients WHERE client_id = '{registered['client_id']}'") == "0"
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{registered['client_id']}'") == "0"
    assert config(stack, "GET", registered, token).status_code == 401


def registered_pair(stack):
    a = register(stack, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"}).json()
    b = register(stack, {"redirect_uris": ["https://b.example.com/cb"]}).json()
    return a, b


def test_configuration_endpoint_needs_the_clients_own_token(stack):
    a, b = registered_pair(stack)
    cases = [
        ({}, "missing"),
        (bearer("lrg_0000000000000000_" + "A" * 43), "unknown"),
        (bearer(b["registration_access_token"]), "another client's"),
        (bearer(a["registration_access_token"][:-1] + ("A" if a["registration_access_token"][-1] != "A" else "B")), "wrong secret"),
        (bearer("garbage"), "garbage"),
        ({"Authorization": "Basic " + "YTpi"}, "basic"),
    ]
    path = f"/oauth2/clients/{a['client_id']}"
    for headers, why in cases:
        for method in ("GET", "PUT", "DELETE"):
            r = stack.request(method, path, headers=headers, json={"client_id": a["client_id"], "redirect_uris": [LOOPBACK]})
            assert r.status_code == 401, (why, method, r.text)
            assert r.headers["WWW-Authenticate"].startswith("Bearer"), why
            assert r.json()["error"] == "invalid_token"
    # Unknown client: 401 as well (RFC 7592 section 2), even with a valid token of another client.
    r = stack.get("/oauth2/clients/app_doesnotexist", headers=bearer(a["registration_access_token"]))
    assert r.status_code == 401
    assert stack.scalar(f"SELECT count(*) FROM clients WHERE client_id IN ('{a['client_id']}', '{b['client_id']}')") == "2"
    # The real token still works after all that.
    assert stack.get(path, headers=bearer(a["registration_access_token"])).status_code == 200


def test_admin_created_app_has_no_registration_access(stack):
    app = stack.latchctl("app", "create", "--name", "admin app", "--callback-url", "https://admin.example.com/cb").stdout.strip()
    assert stack.get(f"/oauth2/clients/{app}", headers=bearer("lrg_0000000000000000_" + "A" * 43)).status_code == 401


PUT_REFUSALS = [
    ("client_id missing", lambda c: {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"}),
    ("client_id of another client", lambda c: {"client_id": "app_other", "redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"}),
    ("public becomes confidential", lambda c: {"client_id": c, "redirect_uris": [LOOPBACK]}),
    ("bad metadata", lambda c: {"client_id": c, "redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none",
                                "grant_types": ["implicit"]}),
]


@pytest.mark.parametrize("why,make", PUT_REFUSALS, ids=[p[0] for p in PUT_REFUSALS])
def test_update_refusals(stack, why, make):
    a = register(stack, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none", "client_name": "keep"}).json()
    r = config(stack, "PUT", a, a["registration_access_token"], json=make(a["client_id"]))
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_client_metadata"
    assert stack.scalar(f"SELECT name FROM clients WHERE client_id = '{a['client_id']}'") == "keep"
    # A refused update does not use up the token.
    assert config(stack, "GET", a, a["registration_access_token"]).status_code == 200


def test_update_refuses_bad_redirect_uri_and_a_wrong_secret(stack):
    c = register(stack, {"redirect_uris": ["https://c.example.com/cb"]}).json()
    token = c["registration_access_token"]
    r = config(stack, "PUT", c, token, json={"client_id": c["client_id"], "redirect_uris": ["http://evil.example.com/cb"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri"
    r = config(stack, "PUT", c, token, json={"client_id": c["client_id"], "redirect_uris": ["https://c.example.com/cb"],
                                             "client_secret": "lcs_0000000000000000_" + "A" * 43})
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata"
    r = config(stack, "PUT", c, token, json={"client_id": c["client_id"], "redirect_uris": ["https://c.example.com/cb"],
                                             "token_endpoint_auth_method": "none"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata"


# -- rate limit and modes -----------------------------------------------------------------

def test_registrations_are_rate_limited_per_address(make_stack):
    s = make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "3"})
    for _attempt in range(3):
        minute = s.scalar("SELECT date_trunc('minute', now())")
        statuses = [register(s, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"}) for _ in range(4)]
        if s.scalar("SELECT date_trunc('minute', now())") != minute:
            continue  # the window turned over mid-sequence; the counts are not comparable
        assert [r.status_code for r in statuses] == [201, 201, 201, 429]
        refused = statuses[-1]
        assert refused.json()["error"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # The counter lives in PostgreSQL, shared by every worker and host.
        assert int(s.scalar("SELECT hits FROM rate_limits WHERE bucket = 'register:127.0.0.1' "
                            "AND window_start = date_trunc('minute', now())")) >= 4
        assert s.scalar("SELECT count(*) FROM clients") == "3"
        return
    pytest.fail("could not fit four registrations into one minute window")


def test_registration_off_is_403(make_stack):
    s = make_stack({"LATCH_REGISTRATION": "off"})
    r = register(s, {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"})
    assert r.status_code == 403
    assert r.json()["error"] == "access_denied"
    token = s.latchctl("admin-token", "create", "ops").stdout.strip()
    assert register(s, {"redirect_uris": [LOOPBACK]}, headers=bearer(token)).status_code == 403
    assert s.scalar("SELECT count(*) FROM clients") == "0"


def test_registration_admin_mode(make_stack):
    s = make_stack({"LATCH_REGISTRATION": "admin"})
    metadata = {"redirect_uris": [LOOPBACK], "token_endpoint_auth_method": "none"}
    r = register(s, metadata)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert register(s, metadata, headers=bearer("lad_0000000000000000_" + "A" * 43)).status_code == 401
    token = s.latchctl("admin-token", "create", "ops").stdout.strip()
    r = register(s, metadata, headers=bearer(token))
    assert r.status_code == 201, r.text

    person = create_user(s)
    cookies, csrf = make_session(s, person["id"])
    assert register(s, metadata, cookies=cookies, headers={"X-CSRF-Token": csrf}).status_code == 403

    admin = create_user(s, admin=True)
    cookies, csrf = make_session(s, admin["id"])
    assert register(s, metadata, cookies=cookies).status_code == 403  # no CSRF token
    assert register(s, metadata, cookies=cookies, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    r = register(s, metadata, cookies=cookies, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    assert s.scalar("SELECT count(*) FROM clients") == "2"
