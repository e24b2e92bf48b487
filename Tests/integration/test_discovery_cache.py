"""nginx's one-second cache of the discovery documents (deploy/nginx/latch-locations.conf)."""
import time

import requests

DOCUMENTS = ["/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource"]


def backend_hits(stack, path):
    """How many requests for `path` latch-discovery itself has answered (its request log)."""
    return sum(1 for line in stack.log("latch-discovery").splitlines() if f'"path":"{path}"' in line)


def test_a_burst_reaches_latch_about_once_a_second(stack):
    for path in DOCUMENTS:
        before = backend_hits(stack, path)
        session = requests.Session()
        started = time.monotonic()
        for _ in range(100):
            r = session.get(stack.url(path), timeout=30)
            assert r.status_code == 200
            assert r.json()["scopes_supported"] is not None
        elapsed = time.monotonic() - started
        hits = backend_hits(stack, path) - before
        # One request per second refreshes the copy; every other one is served by nginx.
        assert 0 <= hits <= int(elapsed) + 2, (path, hits, elapsed)


def test_head_and_get_are_cached_apart(stack):
    """A HEAD's empty body must never be served to a GET from the cache."""
    for path in DOCUMENTS:
        deadline = time.monotonic() + 2.5  # crosses at least one refresh of the copy
        while time.monotonic() < deadline:
            head = stack.request("HEAD", path)
            assert head.status_code == 200
            assert head.content == b""
            get = stack.get(path)
            assert get.status_code == 200
            assert get.headers["Content-Type"] == "application/json"
            assert int(get.headers["Content-Length"]) == len(get.content) > 0
            assert get.json()["scopes_supported"] is not None


def test_query_strings_share_the_cached_document_and_change_nothing(stack):
    plain = stack.get(DOCUMENTS[0]).json()
    with_query = stack.get(DOCUMENTS[0] + "?issuer=https://evil.example&x=1")
    assert with_query.status_code == 200
    assert with_query.json()["issuer"] == plain["issuer"] == stack.issuer


def test_other_methods_are_not_cached(stack):
    for path in DOCUMENTS:
        stack.get(path)
        r = stack.post(path, data="x")
        assert r.status_code == 405
        assert r.json()["error"] == "method_not_allowed"


def test_requests_with_a_query_or_a_body_reach_latch_and_are_not_stored(stack):
    """The copy answers the plain request only: anything else is latch's to judge."""
    path = DOCUMENTS[0]
    stack.get(path)
    assert stack.get(path).headers["X-Latch-Cache"] in ("HIT", "UPDATING")
    before = backend_hits(stack, path)
    with_query = stack.get(path + "?x=1")
    assert with_query.status_code == 200 and with_query.headers["X-Latch-Cache"] == "BYPASS"
    # The shared stack's body limit is 64 KiB: latch refuses this one, nginx's copy would not.
    too_large = stack.request("GET", path, data="x" * 70_000, headers={"Content-Type": "text/plain"})
    assert too_large.status_code == 413 and too_large.json()["error"] == "invalid_request"
    assert too_large.headers["X-Latch-Cache"] == "BYPASS"
    plain = stack.get(path)                             # the refusal was not stored
    assert plain.status_code == 200 and plain.json()["issuer"] == stack.issuer
    from_latch = 2 + (plain.headers["X-Latch-Cache"] not in ("HIT", "UPDATING", "STALE"))  # the copy may have expired
    assert backend_hits(stack, path) - before == from_latch
