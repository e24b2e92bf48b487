"""private_key_jwt client authentication (RFC 7523 §2.2, §3; README "OpenID Connect"): a client
registers its public keys (`jwks`) and signs its assertions with PyPI's joserfc; aud the issuer or
the token endpoint; exp required and bounded; each jti used once; a jwks_uri that cannot be
fetched is invalid_client, said clearly (fetching one: test_oidc_jwks_uri.py)."""
import secrets
import time

import pytest
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, RSAKey

from authflow import Browser, authorize_params, pkce_pair, query_of, unique
from clienthelpers import register
from test_oidc_id_tokens import REDIRECT, make_person

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def keys():
    return {"RS256": RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
            "ES256": ECKey.generate_key("P-256", parameters={"kid": "ec-1"})}


@pytest.fixture(scope="module")
def client(stack, keys):
    jwks = {"keys": [k.as_dict(private=False) | {"alg": alg, "use": "sig"} for alg, k in keys.items()]}
    r = register(stack, {"client_name": unique("pkjwt"), "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt",
                         "jwks": jwks})
    assert r.status_code == 201, r.text
    body = r.json()
    assert "client_secret" not in body and body["token_endpoint_auth_method"] == "private_key_jwt"
    assert [k["kid"] for k in body["jwks"]["keys"]] == ["rsa-1", "ec-1"]
    return body["client_id"]


def assertion(stack, client_id, key, alg, **overrides):
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": stack.issuer + "/oauth2/tokens", "exp": now + 120, "iat": now,
              "jti": secrets.token_urlsafe(16)}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jose_jwt.encode({"alg": alg, "kid": key.kid}, claims, key)


def code_for(stack, client_id):
    person = make_person(stack)
    browser = Browser(stack)
    assert browser.sign_in(person[0]["username"], person[1]).status_code == 303
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT, scope="openid"))
    return code, verifier


def exchange(stack, _client, code, verifier, client_assertion, **extra):
    data = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier, "redirect_uri": REDIRECT,
            "client_assertion_type": ASSERTION_TYPE, "client_assertion": client_assertion}
    data.update(extra)
    return stack.post("/oauth2/tokens", data=data)


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_a_signed_assertion_authenticates_the_client(stack, client, keys, alg):
    code, verifier = code_for(stack, client)
    r = exchange(stack, client, code, verifier, assertion(stack, client, keys[alg], alg))
    assert r.status_code == 200, r.text
    assert "access_token" in r.json() and "id_token" in r.json()


def test_aud_may_be_the_issuer_and_client_id_may_be_repeated(stack, client, keys):
    code, verifier = code_for(stack, client)
    r = exchange(stack, client, code, verifier, assertion(stack, client, keys["ES256"], "ES256", aud=[stack.issuer]),
                 client_id=client)
    assert r.status_code == 200, r.text


def test_a_jti_is_used_once(stack, client, keys):
    signed = assertion(stack, client, keys["RS256"], "RS256")
    code, verifier = code_for(stack, client)
    assert exchange(stack, client, code, verifier, signed).status_code == 200
    code, verifier = code_for(stack, client)
    r = exchange(stack, client, code, verifier, signed)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert "jti" in r.json()["error_description"]


def refused(stack, client, keys, signed, **extra):
    code, verifier = code_for(stack, client)
    r = exchange(stack, client, code, verifier, signed, **extra)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client", r.text
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    return r.json()["error_description"]


def test_bad_assertions_are_invalid_client(stack, client, keys):
    now = int(time.time())
    other = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    cases = {
        "another key, same kid": assertion(stack, client, other, "RS256"),
        "aud elsewhere": assertion(stack, client, keys["RS256"], "RS256", aud="https://other.example/token"),
        "no exp": assertion(stack, client, keys["RS256"], "RS256", exp=None),
        "expired": assertion(stack, client, keys["RS256"], "RS256", exp=now - 600),
        "exp too far": assertion(stack, client, keys["RS256"], "RS256", exp=now + 3600),
        "no jti": assertion(stack, client, keys["RS256"], "RS256", jti=None),
        "iss not the client": assertion(stack, client, keys["RS256"], "RS256", iss="someone-else"),
        "future iat": assertion(stack, client, keys["RS256"], "RS256", iat=now + 3600),
    }
    for name, signed in cases.items():
        refused(stack, client, keys, signed)
    # HS256 with the public key as the secret, and alg none: refused before any key is used.
    head = "eyJhbGciOiJub25lIn0"
    body = jose_jwt.encode({"alg": "RS256", "kid": "rsa-1"}, {"sub": client, "iss": client}, keys["RS256"]).split(".")[1]
    assert "algorithm" in refused(stack, client, keys, f"{head}.{body}.")


def test_two_methods_at_once_and_a_mismatched_client_id_are_refused(stack, client, keys):
    code, verifier = code_for(stack, client)
    signed = assertion(stack, client, keys["RS256"], "RS256")
    r = exchange(stack, client, code, verifier, signed, client_secret="lcs_x")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = exchange(stack, client, code, verifier, signed, client_id="app_other")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = stack.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                           "client_assertion_type": "urn:other", "client_assertion": signed})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_registration_rules_for_keys(stack, keys):
    base = {"client_name": unique("pk"), "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"}
    # A public key set is accepted (and no secret minted) ...
    r = register(stack, dict(base, jwks={"keys": [keys["ES256"].as_dict(private=False)]}))
    assert r.status_code == 201 and "client_secret" not in r.json(), r.text
    # ... anything else is invalid_client_metadata.
    private = keys["RS256"].as_dict(private=True)
    for extra in ({}, {"jwks": {"keys": [private]}}, {"jwks": {"keys": []}}, {"jwks": "x"},
                  {"jwks_uri": "http://keys.example/jwks"},
                  {"jwks": {"keys": [keys["ES256"].as_dict(private=False)]}, "jwks_uri": "https://keys.example/jwks"}):
        r = register(stack, dict(base, **extra))
        assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", (extra, r.text)


def test_an_unreachable_jwks_uri_is_refused_clearly(stack, keys):
    r = register(stack, {"client_name": unique("pk"), "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt",
                         "jwks_uri": "https://keys.example/jwks"})
    assert r.status_code == 201, r.text
    client_id = r.json()["client_id"]
    code, verifier = code_for(stack, client_id)
    r = exchange(stack, client_id, code, verifier, assertion(stack, client_id, keys["RS256"], "RS256"))
    assert r.status_code == 401 and "jwks_uri" in r.json()["error_description"]


def test_discovery_names_private_key_jwt(stack):
    doc = stack.get("/.well-known/openid-configuration").json()
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    assert set(doc["token_endpoint_auth_signing_alg_values_supported"]) == {"RS256", "ES256"}


def test_the_purge_deletes_expired_jtis(stack, client, keys):
    code, verifier = code_for(stack, client)
    assert exchange(stack, client, code, verifier, assertion(stack, client, keys["RS256"], "RS256")).status_code == 200
    stack.psql("UPDATE client_assertion_jtis SET expires_at = now() - interval '1 minute'")
    purged = stack.latchctl_json("purge")
    assert purged["client_assertion_jtis"]["deleted"] >= 1
