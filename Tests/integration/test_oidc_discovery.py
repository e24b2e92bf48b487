"""OpenID Connect discovery and the JWK Set (README "OpenID Connect"): the same document at
/.well-known/openid-configuration as at the RFC 8414 path, with the OpenID members; /oauth2/jwks
lists the published keys (read by PyPI's joserfc, kids = RFC 7638 thumbprints) with a
Cache-Control that fits the rotation schedule, and a rotated-in next key appears there before it
signs, without restarting anything."""
import re

from joserfc.jwk import KeySet


def test_openid_configuration_is_the_authorization_server_document(stack):
    oauth = stack.get("/.well-known/oauth-authorization-server")
    oidc = stack.get("/.well-known/openid-configuration")
    assert oauth.status_code == oidc.status_code == 200
    assert oidc.json() == oauth.json()
    doc = oidc.json()
    assert doc["issuer"] == stack.issuer
    assert doc["jwks_uri"] == stack.issuer + "/oauth2/jwks"
    assert doc["subject_types_supported"] == ["public"]
    assert set(doc["id_token_signing_alg_values_supported"]) == {"RS256", "ES256"}
    for claim in ("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "preferred_username", "name",
                  "email", "email_verified"):
        assert claim in doc["claims_supported"]
    assert "openid" in doc["scopes_supported"]


def test_jwks_lists_the_current_keys_as_public_jwks(stack):
    r = stack.get("/oauth2/jwks")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    # Cacheable for less than the publish delay (1 hour by default): a third of it, at most 10 minutes.
    assert r.headers["Cache-Control"] == "public, max-age=600"
    keys = r.json()["keys"]
    listed = {k["kid"]: k for k in keys}
    stored = {k["kid"]: k for k in stack.latchctl_json("keys", "list") if k["state"] in ("current", "next", "retired")}
    assert set(listed) == set(stored)
    assert {k["alg"] for k in keys} >= {"RS256", "ES256"}
    key_set = KeySet.import_key_set(r.json())
    for key in keys:
        assert key["use"] == "sig"
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(key)
        assert key_set.get_by_kid(key["kid"]).thumbprint() == key["kid"]
        assert key_set.get_by_kid(key["kid"]).is_private is False


def test_a_rotated_key_is_published_before_it_signs_without_a_restart(make_stack):
    s = make_stack({"LATCH_KEY_PUBLISH_DELAY": "30"})
    workers = s.worker_pids("latch-discovery")
    r = s.get("/oauth2/jwks")
    assert r.headers["Cache-Control"] == "public, max-age=10"
    before = {k["kid"] for k in r.json()["keys"]}
    assert len(before) == 2
    made = {m["kid"] for m in s.latchctl_json("keys", "rotate")}
    assert len(made) == 2
    # Within a worker's cache time (a third of the delay), every worker lists them.
    assert s.wait_until(lambda: all({k["kid"] for k in s.get("/oauth2/jwks").json()["keys"]} == before | made
                                    for _ in range(4)), timeout=20)
    assert s.worker_pids("latch-discovery") == workers


def test_jwks_and_openid_configuration_refuse_other_methods(stack):
    for path in ("/oauth2/jwks", "/.well-known/openid-configuration"):
        r = stack.post(path, data={"a": "b"})
        assert r.status_code in (405, 400, 413), (path, r.status_code)
        assert r.status_code < 500
        assert "error" in r.json()


def test_the_openid_endpoints_are_named_under_the_issuer(stack):
    doc = stack.get("/.well-known/openid-configuration").json()
    assert doc["userinfo_endpoint"] == stack.issuer + "/oauth2/userinfo"
    assert doc["end_session_endpoint"] == stack.issuer + "/oauth2/logout"
    for member, value in doc.items():
        if member.endswith("_endpoint") or member.endswith("_uri"):
            assert value.startswith(stack.issuer + "/"), member
            assert re.match(r"^[a-z/:0-9.\-_]+$", value, re.I), member
