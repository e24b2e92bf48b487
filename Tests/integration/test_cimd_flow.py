"""Client ID Metadata Documents through the endpoints (README "Client ID Metadata Documents"):
consent page, code exchange without a fetch while the cache is fresh, a fetch first when it
expired and 401 invalid_client when that fails, a private_key_jwt client without an assertion
refused clearly (with one: test_oidc_jwks_uri.py), listings,
verification by an admin, remembered consent ending when the document changes its redirect
URIs, discovery, and the settings (off, allow/deny, no development mode)."""
import pytest

from authflow import Browser, authorize_params, exchange, form_fields, make_user, pkce_pair, query_of, unique
from docserver import document

REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture()
def browser(stack):
    name, password = make_user(stack)
    b = Browser(stack)
    b.sign_in(name, password)
    return b


def new_document(docs, redirect_uris=(REDIRECT,), **extra):
    path = "/" + unique("flow") + "/client.json"
    url = docs.url(path)
    docs.serve(path, document(url, list(redirect_uris), **extra), cache_control="max-age=3600")
    return path, url


def code_for(browser, url, redirect_uri=REDIRECT):
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(url, challenge, redirect_uri=redirect_uri, state="st"))
    return code, verifier


def test_consent_page_shows_host_mark_and_device(stack, docs, browser):
    _, url = new_document(docs, name="Loopback Tool")
    _, challenge = pkce_pair()
    r = browser.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT))
    assert r.status_code == 200
    assert "Loopback Tool" in r.text
    assert "(unverified)" in r.text
    assert '<span class="app-host">127.0.0.1</span>' in r.text
    assert "runs on this device" in r.text
    _, web_url = new_document(docs, redirect_uris=["https://tool.example/cb"], name="Web Tool")
    r = browser.authorize(authorize_params(web_url, challenge, redirect_uri="https://tool.example/cb"))
    assert r.status_code == 200 and "Web Tool" in r.text
    assert "runs on this device" not in r.text


def test_code_exchange_needs_no_fetch_while_cached(stack, docs, browser):
    path, url = new_document(docs)
    code, verifier = code_for(browser, url)
    assert docs.count(path) == 1
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none")
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    assert docs.count(path) == 1
    refreshed = stack.post("/oauth2/tokens", data={"grant_type": "refresh_token", "client_id": url,
                                                    "refresh_token": r.json()["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert docs.count(path) == 1


def test_expired_cache_is_fetched_at_the_token_endpoint(stack, docs, browser):
    path, url = new_document(docs)
    code, verifier = code_for(browser, url)
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none")
    assert r.status_code == 200, r.text
    assert docs.count(path) == 2
    # Expired again and the document is gone: 401 invalid_client, nothing cached.
    code, verifier = code_for(browser, url)
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    docs.serve(path, body=b"gone", status=404, headers=[("Content-Type", "text/plain")])
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none")
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    assert docs.count(path) == 3


def test_private_key_jwt_document_without_an_assertion_is_refused_clearly(stack, docs, browser):
    _, url = new_document(docs, token_endpoint_auth_method="private_key_jwt", jwks_uri="https://tool.example/jwks")
    code, verifier = code_for(browser, url)
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none")
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    assert "private_key_jwt" in r.json()["error_description"]


def test_shared_secret_is_refused_for_a_metadata_client(stack, docs, browser):
    _, url = new_document(docs)
    code, verifier = code_for(browser, url)
    r = exchange(stack, code, verifier, client_id=url, secret="lcs_0123456789abcdef_" + "A" * 43, redirect_uri=REDIRECT,
                 method="basic")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_metadata_clients_are_listed_everywhere_and_verifiable_through_the_api(stack, docs):
    """A metadata client is a clients row like any other: latchctl app list, the management
    API (the URL percent-encoded as the id), the console and "Your apps" show it; the API's
    verify path works on it."""
    from urllib.parse import quote
    from clienthelpers import bearer
    admin, password = make_user(stack, admin=True)
    b = Browser(stack)
    b.sign_in(admin, password)
    _, url = new_document(docs, name="Listed Tool")
    code, verifier = code_for(b, url)
    assert exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none").status_code == 200
    listed = [a for a in stack.latchctl_json("app", "list", "--json") if url in a.values()]
    assert len(listed) == 1 and "metadata" in listed[0].values()
    token = stack.latchctl("admin-token", "create", unique("cimd")).stdout.strip()
    api = "/api/v2/oauth2-provider/apps/" + quote(url, safe="")
    app = stack.get(api, headers=bearer(token)).json()
    assert (app["id"], app["origin"], app["verified"]) == (url, "metadata", False)
    assert any(a["id"] == url for a in stack.get("/api/v2/oauth2-provider/apps", headers=bearer(token)).json())
    assert stack.request("PUT", api, headers=bearer(token), json={"verified": True}).json()["verified"] is True
    assert stack.scalar(f"SELECT verified FROM clients WHERE client_id = '{url}'") == "t"
    assert url in b.get("/admin/apps").text
    page = b.get("/admin/apps/" + quote(url, safe=""))
    assert page.status_code == 200 and "Listed Tool" in page.text
    assert "Listed Tool" in b.get("/account/apps").text


def test_admin_verification_and_remembered_consent_ending_on_changed_redirects(stack, docs, browser):
    path, url = new_document(docs)
    code, verifier = code_for(browser, url)
    stack.latchctl("app", "verify", url)
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none")
    assert r.status_code == 200, r.text
    # Verified, allowed once with a live token: the next request gets its code at once.
    _, challenge = pkce_pair()
    r = browser.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT, state="again"))
    assert r.status_code == 302 and "code" in query_of(r.headers["Location"]), r.text[:300]
    # The name alone changes: still remembered.
    docs.serve(path, document(url, [REDIRECT], name="Renamed"), cache_control="max-age=3600")
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    r = browser.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT, state="renamed"))
    assert r.status_code == 302, r.text[:300]
    # A new redirect URI: remembered consent ends, the person is asked again.
    docs.serve(path, document(url, [REDIRECT, "http://127.0.0.1:9/other"]), cache_control="max-age=3600")
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    r = browser.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT, state="changed"))
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"))
    assert "csrf_token" in r.text
    # Still verified (the admin verified the URL), so no unverified mark.
    assert "(unverified)" not in r.text


def test_discovery_advertises_metadata_documents(stack):
    r = stack.get("/.well-known/oauth-authorization-server")
    assert r.json()["client_id_metadata_document_supported"] is True
    assert "none" in r.json()["token_endpoint_auth_methods_supported"]
    assert r.json()["code_challenge_methods_supported"] == ["S256"]
    assert "offline_access" in r.json()["scopes_supported"]


@pytest.fixture(scope="module")
def strict_stack(make_stack):
    """Production settings: no development mode, and only *.allowed.test hosts (plus the
    loopback address, to show that allowing a host does not open the address check)."""
    return make_stack({"LATCH_CLIENT_METADATA_DEV_LOOPBACK": "false",
                       "LATCH_CLIENT_METADATA_ALLOW": "127.0.0.1,localhost,*.allowed.test",
                       "LATCH_CLIENT_METADATA_DENY": "blocked.allowed.test"})


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_outside_the_development_mode(strict_stack, docs, host):
    name, password = make_user(strict_stack)
    b = Browser(strict_stack)
    b.sign_in(name, password)
    path = "/" + unique("strict") + "/client.json"
    url = docs.url(path, host=host)
    docs.serve(path, document(url, [REDIRECT]))
    _, challenge = pkce_pair()
    r = b.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT))
    assert r.status_code == 400 and "Location" not in r.headers
    assert "private or special-use address" in r.text
    assert docs.count(path) == 0


@pytest.mark.parametrize("url,words", [
    ("https://tool.example.com/client.json", "does not accept clients from tool.example.com"),
    ("https://blocked.allowed.test/client.json", "does not accept clients from blocked.allowed.test"),
])
def test_allow_and_deny_lists(strict_stack, url, words):
    name, password = make_user(strict_stack)
    b = Browser(strict_stack)
    b.sign_in(name, password)
    _, challenge = pkce_pair()
    r = b.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT))
    assert r.status_code == 400 and "Location" not in r.headers
    assert words in r.text


def test_switched_off(make_stack, docs):
    off = make_stack({"LATCH_CLIENT_METADATA": "off"})
    assert off.get("/.well-known/oauth-authorization-server").json()["client_id_metadata_document_supported"] is False
    name, password = make_user(off)
    b = Browser(off)
    b.sign_in(name, password)
    path = "/" + unique("off") + "/client.json"
    url = docs.url(path)
    docs.serve(path, document(url, [REDIRECT]))
    _, challenge = pkce_pair()
    r = b.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT))
    assert r.status_code == 400 and "does not accept client metadata documents" in r.text
    assert docs.count(path) == 0
    r = off.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "x", "code_verifier": "y",
                                          "client_id": url})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_what_mcp_clients_need_from_a_metadata_client(stack, docs, browser):
    """Issue 15 item 6 for a metadata client: `application_type: native`, a `localhost`
    redirect URI registered without a port and used with any port, `no-store` on every token
    answer (success and error)."""
    path, url = new_document(docs, redirect_uris=["http://localhost/callback"], application_type="native")
    used = "http://localhost:51234/callback"
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(url, challenge, redirect_uri=used, state="port"))
    wrong = exchange(stack, code, "x" * 43, client_id=url, redirect_uri=used, method="none")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["Cache-Control"] == "no-store"
    code = browser.code(authorize_params(url, challenge, redirect_uri=used, state="port2"))
    r = exchange(stack, code, verifier, client_id=url, redirect_uri=used, method="none")
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Pragma"] == "no-cache"
    assert stack.scalar(f"SELECT metadata->>'application_type' FROM clients WHERE client_id = '{url}'") == "native"


def test_settings_apply_to_cached_documents_too(strict_stack):
    """A document cached before the host was denied (here: a fresh row written directly) is
    refused at authorize and at the token endpoint: the settings are checked on every request,
    without the database."""
    url = "https://blocked.allowed.test/cached.json"
    strict_stack.psql(f"""
        INSERT INTO clients (client_id, name, redirect_uris, token_endpoint_auth_method, origin, verified,
                             metadata_fetched_at, metadata_expires_at, consent_binding)
        VALUES ('{url}', 'Cached tool', '{{{REDIRECT}}}', 'none', 'metadata', false, now(), now() + interval '1 hour', 'x')""")
    name, password = make_user(strict_stack)
    b = Browser(strict_stack)
    b.sign_in(name, password)
    _, challenge = pkce_pair()
    r = b.authorize(authorize_params(url, challenge, redirect_uri=REDIRECT))
    assert r.status_code == 400 and "does not accept clients from blocked.allowed.test" in r.text
    r = strict_stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x", "code_verifier": "y",
                                                   "client_id": url})
    assert r.status_code == 401 and "blocked.allowed.test" in r.json()["error_description"]


def test_concurrent_exchanges_with_an_expired_cache_cause_one_fetch(stack, docs, browser):
    """10 token requests at once for a metadata client whose cache just expired: one fetch (the
    same lock as at authorize), every exchange succeeds."""
    import concurrent.futures
    path, url = new_document(docs)
    codes = [code_for(browser, url) for _ in range(10)]
    assert docs.count(path) == 1
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    docs.serve(path, document(url, [REDIRECT]), cache_control="max-age=3600", delay=0.5)
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda c: exchange(stack, c[0], c[1], client_id=url, redirect_uri=REDIRECT,
                                                    method="none").status_code, codes))
    assert statuses == [200] * 10
    assert docs.count(path) == 2


def test_cached_metadata_client_exchange_is_one_statement(stack, docs, browser):
    """A metadata client with a fresh cached document costs the token endpoint what a registered
    public client costs: ONE statement (latch_database_statements_total of latch-tokens), no
    fetch."""
    from test_round_trips import statements_for
    path, url = new_document(docs)
    code, verifier = code_for(browser, url)
    r, n = statements_for(stack, lambda: exchange(stack, code, verifier, client_id=url, redirect_uri=REDIRECT, method="none"))
    assert r.status_code == 200, r.text
    assert n == 1
    assert docs.count(path) == 1
