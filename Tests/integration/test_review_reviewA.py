"""Review of issue 13 (sections: clients, scopes and resources; discovery; authorization and
token endpoints; the bearer check; management API): each test shows a deviation from
the revision 2 behaviour that was fixed."""
from latchstack import Stack
from tokenfactory import bearer, factory, token_request  # noqa: F401


def test_discovery_names_registration_endpoint_only_while_registration_is_not_off(stack, make_stack):
    # RFC 8414 and RFC 9728: registration_endpoint (only while registration is not `off`);
    # prompt_values_supported. RFC 8414 §2: no registration endpoint, no member.
    doc = stack.get("/.well-known/oauth-authorization-server").json()
    assert doc["registration_endpoint"] == stack.issuer + "/oauth2/register"
    assert set(doc["prompt_values_supported"]) == {"none", "login", "consent"}
    assert {"openid", "offline_access"} <= set(doc["scopes_supported"])
    off = make_stack({"LATCH_REGISTRATION": "off"})
    doc = off.get("/.well-known/oauth-authorization-server").json()
    assert "registration_endpoint" not in doc
    assert off.get("/.well-known/openid-configuration").status_code in (200, 404)
    admin_only = make_stack({"LATCH_REGISTRATION": "admin"})
    assert admin_only.get("/.well-known/oauth-authorization-server").json()["registration_endpoint"] == \
        admin_only.issuer + "/oauth2/register"


def test_check_of_a_client_token_has_empty_user_headers(stack, factory):
    # README "Protect your API with latch: the gate": 204 with X-Latch-User (username; empty for a client's own
    # token), X-Latch-User-Id, ... — the headers are there, empty, for a client_credentials token.
    app = factory.app(client_credentials=True)
    r = token_request(stack, app, grant_type="client_credentials")
    assert r.status_code == 200, r.text
    check = stack.get("/oauth2/check", headers=bearer(r.json()["access_token"]))
    assert check.status_code == 204
    assert check.headers["X-Latch-User"] == "" and check.headers["X-Latch-User-Id"] == ""
    assert check.headers["X-Latch-Client"] == app.client_id
    assert check.headers["X-Latch-Client-Verified"] == "true"


def test_own_api_with_a_path_is_challenged_with_its_rfc9728_metadata_url():
    # README "Protect your API with latch: the gate": resource_metadata is "the metadata URL as RFC 9728 §3.1 derives
    # it from the identifier: its origin, then /.well-known/oauth-protected-resource, then its
    # path" — latch's own API included. A client checks that the document fetched from that URL
    # names the identifier the URL was built from (RFC 9728 §3.3).
    s = Stack()
    s.extra_env["LATCH_RESOURCE"] = s.issuer + "/api"
    s.up()
    try:
        expected = s.issuer + "/.well-known/oauth-protected-resource/api"
        for path in ("/api/v2/users/me", "/oauth2/check"):
            r = s.get(path)
            assert r.status_code == 401
            assert r.headers["WWW-Authenticate"] == f'Bearer resource_metadata="{expected}"', path
            r = s.get(path, headers=bearer("lat_0000000000000000_" + "A" * 43))
            assert r.status_code == 401 and f'resource_metadata="{expected}"' in r.headers["WWW-Authenticate"]
        doc = s.get(expected[len(s.issuer):])
        assert doc.status_code == 200 and doc.json()["resource"] == s.issuer + "/api"
        # The bare document still describes latch's own API.
        assert s.get("/.well-known/oauth-protected-resource").json()["resource"] == s.issuer + "/api"
    finally:
        s.down()


def test_management_api_app_has_exactly_the_grant_types_it_was_created_with(stack):
    # README "Clients and admins": POST {name, callback_url, …, grant_types?} → 201 app, whose
    # grant_types (RFC 7591 §2) are what was asked: client_credentials alone is a service, not
    # also an authorization-code client.
    admin = stack.latchctl("admin-token", "create", "review-a").stdout.strip()
    apps = "/api/v2/oauth2-provider/apps"
    r = stack.post(apps, headers=bearer(admin), json={"name": "svc", "callback_url": "https://svc.example/cb",
                                                      "grant_types": ["client_credentials"]})
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["grant_types"] == ["client_credentials"] and app["verified"] is True
    assert stack.get(f"{apps}/{app['id']}", headers=bearer(admin)).json()["grant_types"] == ["client_credentials"]
    secret = stack.post(f"{apps}/{app['id']}/secrets", headers=bearer(admin)).json()["client_secret_full"]
    ok = stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=(app["id"], secret))
    assert ok.status_code == 200, ok.text
    refused = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_0_x",
                                                 "code_verifier": "v" * 43}, auth=(app["id"], secret))
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"

    both = stack.post(apps, headers=bearer(admin), json={"name": "both", "callback_url": "https://both.example/cb",
                                                         "grant_types": ["authorization_code", "client_credentials"]})
    assert both.status_code == 201 and both.json()["grant_types"] == ["authorization_code", "client_credentials"]
    plain = stack.post(apps, headers=bearer(admin), json={"name": "web", "callback_url": "https://web.example/cb"})
    assert plain.status_code == 201 and plain.json()["grant_types"] == ["authorization_code", "refresh_token"]
    for bad in (["refresh_token"], [], ["password"]):
        r = stack.post(apps, headers=bearer(admin), json={"name": "bad", "callback_url": "https://bad.example/cb",
                                                          "grant_types": bad})
        assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", (bad, r.text)


def test_users_me_with_a_client_token_answers_one_error(stack, factory):
    # RFC 6750 §3.1: the body's error is the challenge's. A client_credentials token for latch's
    # own API is live and for this resource, but acts for nobody: 403 insufficient_scope in both,
    # with the resource's metadata (RFC 9728 §5.1), never invalid_token in the body.
    app = factory.app(client_credentials=True)
    token = token_request(stack, app, grant_type="client_credentials").json()["access_token"]
    r = stack.get("/api/v2/users/me", headers=bearer(token))
    assert r.status_code == 403
    assert r.json()["error"] == "insufficient_scope"
    assert r.headers["WWW-Authenticate"] == ('Bearer error="insufficient_scope", resource_metadata="'
                                             + stack.issuer + '/.well-known/oauth-protected-resource"')


def test_your_apps_shows_an_unverified_app_without_its_logo_with_the_mark_and_host(stack):
    # README "The client trust model": an unverified client cannot "show its own logo; its name is
    # shown with an "unverified" mark and the host of its redirect URI" — "Your apps" included,
    # where a self-registered "Sign in with Google" kept Google's logo.
    from authflow import Browser, authorize_params, exchange, make_user, pkce_pair
    logo = "https://logos.example/google.png"
    reg = stack.post("/oauth2/register", json={"redirect_uris": ["https://lookalike.example/cb"],
                                               "client_name": "Sign in with Google", "logo_uri": logo}).json()
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(reg["client_id"], challenge, "https://lookalike.example/cb"))
    assert exchange(stack, code, verifier, reg["client_id"], reg["client_secret"],
                    "https://lookalike.example/cb").status_code == 200
    page = browser.get("/account/apps")
    assert page.status_code == 200
    entry = page.text[page.text.index(f'data-client-id="{reg["client_id"]}"'):]
    entry = entry[:entry.index("</li>")]
    assert logo not in page.text and "logos.example" not in page.headers["Content-Security-Policy"]
    assert "unverified" in entry and "lookalike.example" in entry
    # Once an admin verifies it, it is shown as it presents itself.
    stack.latchctl("app", "verify", reg["client_id"])
    page = browser.get("/account/apps")
    entry = page.text[page.text.index(f'data-client-id="{reg["client_id"]}"'):]
    entry = entry[:entry.index("</li>")]
    assert logo in entry and "unverified" not in entry


def test_consent_page_of_an_unverified_app_lets_no_image_of_its_own_load(stack):
    # The logo is not shown (README "The client trust model"), so the page's CSP names no image
    # origin of the client's either: nothing the registrant chose is fetched by the browser.
    from authflow import Browser, authorize_params, make_user, pkce_pair
    reg = stack.post("/oauth2/register", json={"redirect_uris": ["https://csp-client.example/cb"],
                                               "client_name": "csp", "logo_uri": "https://tracker.example/l.png"}).json()
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    _, challenge = pkce_pair()
    page = browser.authorize(authorize_params(reg["client_id"], challenge, "https://csp-client.example/cb"))
    assert page.status_code == 200
    assert "tracker.example" not in page.text and "tracker.example" not in page.headers["Content-Security-Policy"]


def verified_dynamic_client_signed_in(stack, host, name):
    """A dynamically registered client an admin verified, and a person signed in to a browser:
    (registration, the app's management URL, the admin token, the browser)."""
    from authflow import Browser, ensure_scopes, make_user
    ensure_scopes(stack)
    admin = stack.latchctl("admin-token", "create", "review-a").stdout.strip()
    reg = stack.post("/oauth2/register", json={"redirect_uris": [f"https://{host}/cb"], "client_name": name}).json()
    app_url = f"/api/v2/oauth2-provider/apps/{reg['client_id']}"
    assert stack.request("PUT", app_url, headers=bearer(admin), json={"verified": True}).status_code == 200
    user, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(user, password).status_code == 303
    return reg, app_url, admin, browser


def test_a_client_an_admin_unverifies_receives_no_scope_that_is_not_open_on_refresh(stack):
    # README "The client trust model": an unverified client cannot "receive a scope that is not
    # marked open". Un-verifying a client must end that at its next refresh, instead of the
    # refresh token handing out the scope it got while verified until the grant ends.
    from authflow import authorize_params, exchange, pkce_pair
    reg, app_url, admin, browser = verified_dynamic_client_signed_in(stack, "later.example", "later")
    client = (reg["client_id"], reg["client_secret"])
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(reg["client_id"], challenge, "https://later.example/cb", scope="profile openid"))
    tokens = exchange(stack, code, verifier, *client, "https://later.example/cb").json()
    assert tokens["scope"] == "profile openid"
    assert stack.request("PUT", app_url, headers=bearer(admin), json={"verified": False}).status_code == 200

    r = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, auth=client)
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope", r.text
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Pragma"] == "no-cache"
    # Narrowed to open scopes it works, and the grant is not burnt by the refusal.
    r = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                           "scope": "openid"}, auth=client)
    assert r.status_code == 200 and r.json()["scope"] == "openid", r.text
    # Verified again, the grant's full scope comes back.
    assert stack.request("PUT", app_url, headers=bearer(admin), json={"verified": True}).status_code == 200
    r = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"]},
                   auth=client)
    assert r.status_code == 200 and r.json()["scope"] == "profile openid", r.text


def test_login_hint_prefills_the_username(stack):
    # README "The authorization endpoint" step 5: "login_hint pre-fills the username" — on the
    # sign-in page the authorization request sends the person to (escaped like every value).
    import html
    import re
    from authflow import Browser, authorize_params, make_app, pkce_pair
    client_id = make_app(stack, ["https://hint.example/cb"])
    _, challenge = pkce_pair()
    for hint in ("alice@example.com", '"><script>alert(1)</script>'):
        browser = Browser(stack)
        r = browser.authorize(authorize_params(client_id, challenge, "https://hint.example/cb", login_hint=hint))
        assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")
        page = browser.get(r.headers["Location"])
        assert page.status_code == 200
        field = re.search(r'<input[^>]*name="username"[^>]*>', page.text).group(0)
        assert html.unescape(re.search(r'value="([^"]*)"', field).group(1)) == hint
        assert "<script>" not in page.text
    # Without a hint, or outside an authorization request, the field is empty.
    page = Browser(stack).get("/login?next=%2Faccount%2Fapps%3Flogin_hint%3Dmallory")
    assert 'value=""' in re.search(r'<input[^>]*name="username"[^>]*>', page.text).group(0)


def test_latchs_own_resource_has_a_created_at_like_every_resource(stack):
    # README "Clients and admins": a resource is {id, resource, name, scopes, default_scopes,
    # token_format, dpop_required, created_at} — latch's own API (always registered) included;
    # it answered created_at null.
    import datetime
    admin = stack.latchctl("admin-token", "create", "review-a").stdout.strip()
    listed = stack.get("/api/v2/oauth2-provider/resources", headers=bearer(admin)).json()
    own = [r for r in listed if r["resource"] == stack.issuer]
    assert len(own) == 1
    for doc in (own[0], stack.get(f"/api/v2/oauth2-provider/resources/{own[0]['id']}", headers=bearer(admin)).json(),
                stack.latchctl_json("resource", "show", stack.issuer)):
        assert isinstance(doc["created_at"], str), doc
        datetime.datetime.fromisoformat(doc["created_at"].replace("Z", "+00:00"))
    # It still keeps its identifier.
    r = stack.request("PUT", f"/api/v2/oauth2-provider/resources/{own[0]['id']}", headers=bearer(admin),
                      json={"resource": "https://elsewhere.example/", "name": "latch", "scopes": ["openid"]})
    assert r.status_code == 400


def test_a_code_issued_before_an_admin_unverifies_the_client_gives_it_no_closed_scope(stack):
    # The same rule at the code exchange: the code was issued with a closed scope while the
    # client was verified; redeemed after it was un-verified, it is refused (and burnt).
    from authflow import authorize_params, exchange, pkce_pair
    reg, app_url, admin, browser = verified_dynamic_client_signed_in(stack, "soon.example", "soon")
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(reg["client_id"], challenge, "https://soon.example/cb", scope="profile"))
    assert stack.request("PUT", app_url, headers=bearer(admin), json={"verified": False}).status_code == 200
    r = exchange(stack, code, verifier, reg["client_id"], reg["client_secret"], "https://soon.example/cb")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    assert "access_token" not in r.json()
    # An open scope is still fine for it.
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(reg["client_id"], challenge, "https://soon.example/cb", scope="openid"))
    r = exchange(stack, code, verifier, reg["client_id"], reg["client_secret"], "https://soon.example/cb")
    assert r.status_code == 200 and r.json()["scope"] == "openid", r.text


def test_offline_access_is_never_refused_for_not_being_in_the_apps_list(stack):
    # README "Scopes and resources": "openid and offline_access are always defined and open; offline_access
    # only asks for a refresh token, which an app registered for refresh_token gets with or
    # without it." An app limited to "profile" asking "profile offline_access" (as OAuth
    # libraries and MCP SDKs add it) was invalid_scope.
    from authflow import Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user, pkce_pair
    ensure_scopes(stack)
    client_id, secret = make_confidential_app(stack, ["https://limited.example/cb"], scope="profile")
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, "https://limited.example/cb", scope="profile offline_access"))
    r = exchange(stack, code, verifier, client_id, secret, "https://limited.example/cb")
    assert r.status_code == 200 and "refresh_token" in r.json(), r.text
    # Its list still limits everything else.
    r = browser.authorize(authorize_params(client_id, challenge, "https://limited.example/cb", scope="email"))
    assert r.status_code == 302 and "error=invalid_scope" in r.headers["Location"]
