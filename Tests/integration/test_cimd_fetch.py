"""Client ID Metadata Documents: the fetch and its failure matrix (README "Client ID Metadata
Documents"). A local HTTPS server with a throwaway CA serves the documents and counts every
request; the shared stack runs with LATCH_CLIENT_METADATA_DEV_LOOPBACK=true (deploy/stack), so
latch may fetch from 127.0.0.1 — everything else the fetcher refuses as in production.

Every refusal at authorize is the 400 HTML page, never a redirect, and stores nothing: failures
are never cached."""
import concurrent.futures

import pytest

from authflow import Browser, authorize_params, make_user, pkce_pair, unique
from docserver import document

REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture(scope="module")
def browser(stack):
    name, password = make_user(stack)
    b = Browser(stack)
    b.sign_in(name, password)
    return b


def authorize(browser, client_id, redirect_uri=REDIRECT):
    _, challenge = pkce_pair()
    return browser.authorize(authorize_params(client_id, challenge, redirect_uri=redirect_uri, state="s1"))


def stored(stack, url):
    return int(stack.scalar(f"SELECT count(*) FROM clients WHERE client_id = '{url}'"))


def assert_refused(stack, r, url, words):
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")
    assert words in r.text, r.text[:1500]
    assert stored(stack, url) == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_valid_document_is_fetched_once_and_cached(stack, docs, browser, host):
    """Through an IP literal and through a name (resolved once, the address pinned)."""
    path = "/" + unique("ok") + "/client.json"
    url = docs.url(path, host=host)
    docs.serve(path, document(url, [REDIRECT]), cache_control="max-age=3600")
    r = authorize(browser, url)
    assert r.status_code == 200, r.text[:500]
    assert docs.count(path) == 1
    r = authorize(browser, url)
    assert r.status_code == 200
    assert docs.count(path) == 1
    rows = stack.psql(f"SELECT origin, verified, token_endpoint_auth_method FROM clients WHERE client_id = '{url}'")
    assert rows == [["metadata", "f", "none"]]


FAILURES = [
    ("status", dict(status=404), "did not answer 200"),
    ("server-error", dict(status=500), "did not answer 200"),
    ("html", dict(headers=[("Content-Type", "text/html")]), "not JSON"),
    ("invalid-json", dict(body=b'{"client_id": '), "not valid JSON"),
    ("array", dict(body=b'[]'), "not a JSON object"),
    ("oversized", dict(oversize=True), "too large"),
    ("oversized-chunked", dict(oversize=True, chunked=True), "too large"),
    ("slow", dict(delay=6.0), "did not answer in time"),
    ("mismatch", dict(client_id="https://127.0.0.1:1/other.json"), "is not the URL it was fetched from"),
    ("secret-member", dict(extra={"client_secret": "s3cret"}), "shared secrets"),
    ("secret-method", dict(extra={"token_endpoint_auth_method": "client_secret_basic"}), "shared secret"),
    ("jwt-without-keys", dict(extra={"token_endpoint_auth_method": "private_key_jwt"}), "needs jwks or jwks_uri"),
    ("no-redirects", dict(redirect_uris=None), "no redirect_uris"),
    ("bad-redirect", dict(redirect_uris=["javascript:alert(1)"]), "not valid"),
]


@pytest.mark.parametrize("name,case,words", FAILURES, ids=[f[0] for f in FAILURES])
def test_failure_matrix(stack, docs, browser, name, case, words):
    path = "/" + unique(name) + "/client.json"
    url = docs.url(path)
    doc = document(case.get("client_id", url), case.get("redirect_uris", [REDIRECT]), **case.get("extra", {}))
    if case.get("redirect_uris", [REDIRECT]) is None:
        del doc["redirect_uris"]
    body = case.get("body")
    if case.get("oversize"):
        # Exactly one byte over 5 KiB, as a valid document padded with an ignored member.
        padded = dict(doc, padding="")
        import json
        base = len(json.dumps(padded).encode())
        padded["padding"] = "x" * (5 * 1024 + 1 - base)
        body = json.dumps(padded).encode()
        assert len(body) == 5 * 1024 + 1
    docs.serve(path, doc if body is None else None, body=body, status=case.get("status", 200),
               headers=case.get("headers"), delay=case.get("delay", 0.0), chunked=case.get("chunked", False))
    r = authorize(browser, url)
    assert_refused(stack, r, url, words)
    assert docs.count(path) >= 1


def test_document_of_exactly_5_kib_is_accepted(stack, docs, browser):
    import json
    path = "/" + unique("limit") + "/client.json"
    url = docs.url(path)
    doc = document(url, [REDIRECT], padding="")
    doc["padding"] = "x" * (5 * 1024 - len(json.dumps(doc).encode()))
    body = json.dumps(doc).encode()
    assert len(body) == 5 * 1024
    docs.serve(path, body=body, chunked=True)
    assert authorize(browser, url).status_code == 200


def test_redirect_is_not_followed(stack, docs, browser):
    target_path = "/" + unique("target") + "/client.json"
    path = "/" + unique("redirect") + "/client.json"
    url = docs.url(path)
    docs.serve(target_path, document(url, [REDIRECT]))
    docs.serve(path, body=b"", status=302, headers=[("Location", docs.url(target_path))])
    r = authorize(browser, url)
    assert_refused(stack, r, url, "did not answer 200")
    assert docs.count(path) == 1
    assert docs.count(target_path) == 0


@pytest.mark.parametrize("host", ["[::ffff:127.0.0.1]", "10.0.0.1", "169.254.169.254", "[::1]", "0.0.0.0"])
def test_special_use_addresses_are_refused_without_traffic(stack, docs, browser, host):
    """Even in the development mode only the names 127.0.0.1 and localhost reach loopback: a
    mapped or other special-use address is refused before any connection (the local server
    sees nothing; 10.0.0.1 and 169.254.169.254 are never contacted — the refusal comes from
    the address check, which names it)."""
    path = "/" + unique("special") + "/client.json"
    url = f"https://{host}:{docs.port}{path}"
    docs.serve(path, document(url, [REDIRECT]))
    r = authorize(browser, url)
    assert_refused(stack, r, url, "private or special-use address")
    assert docs.count(path) == 0


@pytest.mark.parametrize("client_id,words", [
    ("https://127.0.0.1:{port}", "must have a path"),
    ("https://127.0.0.1:{port}/", "must have a path"),
    ("https://u@127.0.0.1:{port}/c.json", "user name or password"),
    ("https://127.0.0.1:{port}/a/../c.json", "dot segments"),
    ("https://127.0.0.1:{port}/c.json#f", "fragment"),
    ("http://example.com/c.json", "must use https"),
])
def test_bad_client_id_urls(stack, docs, browser, client_id, words):
    url = client_id.format(port=docs.port)
    r = authorize(browser, url)
    assert_refused(stack, r, url, words)


def test_concurrent_authorizes_cause_one_fetch(stack, docs):
    """20 concurrent first requests for one URL, across the authorize workers: one fetch (the
    transaction-scoped advisory lock on the URL's hash), and every request gets the page."""
    path = "/" + unique("concurrent") + "/client.json"
    url = docs.url(path)
    # The document takes a moment, so that the requests overlap while it is being fetched.
    docs.serve(path, document(url, [REDIRECT]), cache_control="max-age=3600", delay=0.5)
    browsers = []
    for _ in range(20):
        name, password = make_user(stack)
        b = Browser(stack)
        b.sign_in(name, password)
        browsers.append(b)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda b: authorize(b, url).status_code, browsers))
    assert statuses == [200] * 20
    assert docs.count(path) == 1


@pytest.mark.parametrize("cache_control,low,high", [
    ("max-age=999999999", 86_400 - 60, 86_400),
    ("no-store", 300 - 60, 300),
    (None, 300 - 60, 300),
    ("max-age=7200", 7200 - 60, 7200),
])
def test_cache_lifetime_is_bounded(stack, docs, browser, cache_control, low, high):
    path = "/" + unique("cache") + "/client.json"
    url = docs.url(path)
    docs.serve(path, document(url, [REDIRECT]), cache_control=cache_control)
    assert authorize(browser, url).status_code == 200
    seconds = int(stack.scalar(
        f"SELECT extract(epoch FROM metadata_expires_at - now())::int FROM clients WHERE client_id = '{url}'"))
    assert low <= seconds <= high


def test_expired_cache_is_fetched_again_and_failures_are_not_cached(stack, docs, browser):
    path = "/" + unique("expiry") + "/client.json"
    url = docs.url(path)
    docs.serve(path, document(url, [REDIRECT], name="First name"), cache_control="max-age=3600")
    assert authorize(browser, url).status_code == 200
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    docs.serve(path, document(url, [REDIRECT], name="Second name"), cache_control="max-age=3600")
    r = authorize(browser, url)
    assert r.status_code == 200 and "Second name" in r.text
    assert docs.count(path) == 2
    # Expired again, and now the server fails: refused, and the failure is not cached.
    stack.psql(f"UPDATE clients SET metadata_expires_at = now() - interval '1 second' WHERE client_id = '{url}'")
    docs.serve(path, body=b"{}", status=503)
    assert authorize(browser, url).status_code == 400
    assert authorize(browser, url).status_code == 400
    assert docs.count(path) == 4
    docs.serve(path, document(url, [REDIRECT], name="Third name"), cache_control="max-age=3600")
    r = authorize(browser, url)
    assert r.status_code == 200 and "Third name" in r.text


BAD_CLIENT_IDS = [
    ("https://" + "a" * 300 + ".example/x", "longer than 200 bytes"),
    ("https://exa%00mple.com/x", "not a valid host name"),
    ("https://b\u00fccher.example/x", "printable ASCII"),
    ("https://[::1/x", "has no host"),
    ("https://example.com:99999/x", "not a valid URL"),
    ("https://example.com/x\r\nSet-Cookie: a=b", "printable ASCII"),
    ("https://example.com/x\\..\\y", "printable ASCII"),
    ("http://", "has no host"),
    ("https://", "has no host"),
    ("https:///x", "has no host"),
    ("https://:443/x", "has no host"),
    ("https://%2e%2e/x", "not a valid host name"),
    ("https://-bad-.example/x", "not a valid host name"),
    ("https://a..b/x", "not a valid host name"),
]


@pytest.mark.parametrize("client_id,words", BAD_CLIENT_IDS, ids=range(len(BAD_CLIENT_IDS)))
def test_bad_client_id_urls_are_clear_refusals_everywhere(stack, browser, client_id, words):
    """Hostile client_id URLs: the 400 page at authorize naming what is wrong (never a
    redirect, never a fetch or a DNS look-up), 401 invalid_client saying the same at the token
    endpoint, never a 5xx, nothing stored."""
    r = authorize(browser, client_id)
    assert r.status_code == 400 and "Location" not in r.headers, (r.status_code, r.text[:300])
    assert words in r.text
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": "lac_x", "code_verifier": "v" * 43,
                                            "client_id": client_id})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client", r.text
    assert words in r.json()["error_description"]
    assert int(stack.scalar("SELECT count(*) FROM clients WHERE origin = 'metadata' AND client_id NOT LIKE 'https://127.0.0.1:%' "
                            "AND client_id NOT LIKE 'https://localhost:%'")) == 0
    for executable in ("latch-authorize", "latch-tokens"):
        assert '"status":5' not in stack.log(executable)


def test_a_thousand_authorizations_cost_one_fetch(stack, docs):
    """The cache's figure for the README: 1,000 authorizations of one metadata client (8 at a
    time, 8 signed-in people) within its cache lifetime cause exactly 1 fetch."""
    path = "/" + unique("thousand") + "/client.json"
    url = docs.url(path)
    docs.serve(path, document(url, [REDIRECT]), cache_control="max-age=3600")
    browsers = []
    for _ in range(8):
        name, password = make_user(stack)
        b = Browser(stack)
        b.sign_in(name, password)
        browsers.append(b)

    def run(b):
        return [authorize(b, url).status_code for _ in range(125)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [status for batch in pool.map(run, browsers) for status in batch]
    assert len(statuses) == 1000 and set(statuses) == {200}
    assert docs.count(path) == 1
