"""private_key_jwt with a `jwks_uri` (RFC 7523 §2.2, RFC 7591 §2; README "OpenID Connect"): the
key set is fetched from the local https document server (the shared stack runs in the loopback
development mode) with the SSRF-safe fetcher, cached in PostgreSQL, fetched again once for an
unknown `kid` (at most once a minute), never cached when the fetch fails; a metadata-document
client with private_key_jwt authenticates the same way. Assertions are signed with joserfc."""
import json

import pytest
from joserfc.jwk import RSAKey

from authflow import Browser, authorize_params, pkce_pair, unique
from clienthelpers import register
from docserver import document
from test_oidc_id_tokens import REDIRECT
from test_oidc_private_key_jwt import ASSERTION_TYPE, assertion, code_for, exchange

JWKS_TYPE = [("Content-Type", "application/jwk-set+json")]


def key(kid):
    return RSAKey.generate_key(2048, parameters={"kid": kid})


def serve_keys(docs, path, *keys, cache_control="max-age=3600"):
    docs.serve(path, {"keys": [k.as_dict(private=False) | {"alg": "RS256", "use": "sig"} for k in keys]},
               headers=JWKS_TYPE, cache_control=cache_control)


def register_with_uri(stack, url):
    r = register(stack, {"client_name": unique("pkuri"), "redirect_uris": [REDIRECT],
                         "token_endpoint_auth_method": "private_key_jwt", "jwks_uri": url})
    assert r.status_code == 201, r.text
    return r.json()["client_id"]


def try_exchange(stack, client_id, signing_key):
    code, verifier = code_for(stack, client_id)
    return exchange(stack, client_id, code, verifier, assertion(stack, client_id, signing_key, "RS256"))


def test_keys_at_a_jwks_uri_are_fetched_once_and_cached(stack, docs):
    first = key("uri-1")
    path = "/" + unique("keys") + "/jwks.json"
    serve_keys(docs, path, first)
    client_id = register_with_uri(stack, docs.url(path))
    assert docs.count(path) == 0  # registration fetches nothing
    r = try_exchange(stack, client_id, first)
    assert r.status_code == 200, r.text
    assert "access_token" in r.json()
    assert docs.count(path) == 1
    assert try_exchange(stack, client_id, first).status_code == 200
    assert docs.count(path) == 1  # the cached set
    stored = json.loads(stack.scalar(f"SELECT jwks::text FROM client_key_sets WHERE url = '{docs.url(path)}'"))
    assert [k["kid"] for k in stored["keys"]] == ["uri-1"] and "d" not in stored["keys"][0]


def test_an_unknown_kid_fetches_again_once_then_is_rate_limited(stack, docs):
    old, new = key("rot-1"), key("rot-2")
    path = "/" + unique("keys") + "/jwks.json"
    serve_keys(docs, path, old)
    client_id = register_with_uri(stack, docs.url(path))
    assert try_exchange(stack, client_id, old).status_code == 200
    assert docs.count(path) == 1
    # The client rotates: its set now holds the new key; the cache still has the old set.
    serve_keys(docs, path, new)
    stack.psql(f"UPDATE client_key_sets SET fetched_at = now() - interval '2 minutes' WHERE url = '{docs.url(path)}'")
    r = try_exchange(stack, client_id, new)
    assert r.status_code == 200, r.text
    assert docs.count(path) == 2
    # Another unknown kid right after: refused without a fetch (at most one a minute).
    r = try_exchange(stack, client_id, key("made-up"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert docs.count(path) == 2


@pytest.mark.parametrize("case", ["status", "not-json", "private", "too-large", "empty"])
def test_a_failed_fetch_is_refused_clearly_and_never_cached(stack, docs, case):
    good = key("fail-1")
    path = "/" + unique("keys") + "/jwks.json"
    if case == "status":
        docs.serve(path, {"error": "down"}, status=503, headers=JWKS_TYPE)
    elif case == "not-json":
        docs.serve(path, body=b"<html>keys</html>", headers=[("Content-Type", "text/html")])
    elif case == "private":
        docs.serve(path, {"keys": [good.as_dict(private=True)]}, headers=JWKS_TYPE)
    elif case == "too-large":
        padding = {"kty": "oct", "k": "A" * 70_000}
        docs.serve(path, {"keys": [good.as_dict(private=False), padding]}, headers=JWKS_TYPE)
    else:
        docs.serve(path, {"keys": []}, headers=JWKS_TYPE)
    client_id = register_with_uri(stack, docs.url(path))
    r = try_exchange(stack, client_id, good)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client", r.text
    assert "jwks_uri" in r.json()["error_description"]
    assert stack.scalar(f"SELECT count(*) FROM client_key_sets WHERE url = '{docs.url(path)}'") == "0"
    # Fixed at the source: the next request fetches again and succeeds.
    before = docs.count(path)
    serve_keys(docs, path, good)
    assert try_exchange(stack, client_id, good).status_code == 200
    assert docs.count(path) == before + 1


def test_a_metadata_client_authenticates_with_private_key_jwt(stack, docs):
    signing = key("cimd-1")
    keys_path = "/" + unique("cimdkeys") + "/jwks.json"
    serve_keys(docs, keys_path, signing)
    doc_path = "/" + unique("cimdpk") + "/client.json"
    url = docs.url(doc_path)
    redirect = "http://127.0.0.1:9/callback"
    docs.serve(doc_path, document(url, [redirect], token_endpoint_auth_method="private_key_jwt",
                                  jwks_uri=docs.url(keys_path)), cache_control="max-age=3600")
    from test_oidc_id_tokens import make_person
    user, password = make_person(stack)
    browser = Browser(stack)
    assert browser.sign_in(user["username"], password).status_code == 303
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(url, challenge, redirect_uri=redirect, scope="openid"))
    signed = assertion(stack, url, signing, "RS256")
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                           "redirect_uri": redirect, "client_assertion_type": ASSERTION_TYPE,
                                           "client_assertion": signed})
    assert r.status_code == 200, r.text
    assert "id_token" in r.json()
    assert docs.count(keys_path) == 1


def test_the_purge_deletes_expired_key_sets_and_the_next_assertion_fetches_again(stack, docs):
    """Cached JWK Sets past their expiry are never used again; `latchctl purge` deletes them
    (bounded tables), and the client's next assertion fetches its set anew."""
    signing = key("uri-purge")
    path = "/" + unique("keys") + "/jwks.json"
    serve_keys(docs, path, signing)
    url = docs.url(path)
    client_id = register_with_uri(stack, url)
    assert try_exchange(stack, client_id, signing).status_code == 200
    fresh_path = "/" + unique("keys") + "/jwks.json"
    kept = key("uri-kept")
    serve_keys(docs, fresh_path, kept)
    fresh_client = register_with_uri(stack, docs.url(fresh_path))
    assert try_exchange(stack, fresh_client, kept).status_code == 200
    stack.psql(f"UPDATE client_key_sets SET expires_at = now() - interval '1 minute' WHERE url = '{url}'")
    purged = stack.latchctl_json("purge")
    assert purged["client_key_sets"]["deleted"] >= 1
    assert stack.scalar(f"SELECT count(*) FROM client_key_sets WHERE url = '{url}'") == "0"
    assert stack.scalar(f"SELECT count(*) FROM client_key_sets WHERE url = '{docs.url(fresh_path)}'") == "1"
    fetched = docs.count(path)
    assert try_exchange(stack, client_id, signing).status_code == 200
    assert docs.count(path) == fetched + 1
