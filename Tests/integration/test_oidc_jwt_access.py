"""RFC 9068 JWT access tokens (README "JWT access tokens"): a resource registered with
`--token-format jwt` gets signed access tokens that PyPI's joserfc verifies offline from
/oauth2/jwks (typ at+jwt, iss, sub, aud, client_id, scope, jti, exp, iat, auth_time); latch itself
treats them like opaque tokens (the gate, introspection, revocation), a JWT for resource A is
refused at resource B, and a tampered, `alg: none` or HS256-signed-with-the-public-key token is
refused everywhere. Refresh tokens stay opaque; the ID token's at_hash is over the JWT."""
import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from authflow import Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user, pkce_pair
from clienthelpers import register_resource, unique
from tokenfactory import bearer, introspect, revoke, token_request, refresh, TokenFactory

REDIRECT = "https://app.example/cb"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token):
    def load(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    header, payload, _ = token.split(".")
    return load(header), load(payload)


def check(stack, token, resource):
    return stack.get("/oauth2/check", params={"resource": resource}, headers=bearer(token))


def verify_offline(stack, token, audience):
    """What a resource server on another host does: the JWKS, joserfc, the RFC 9068 §4 checks."""
    keys = KeySet.import_key_set(stack.get("/oauth2/jwks").json())
    decoded = jose_jwt.decode(token, keys, algorithms=["RS256"])
    assert decoded.header["typ"] == "at+jwt"
    jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": stack.issuer}, aud={"essential": True, "value": audience},
        exp={"essential": True}, iat={"essential": True}, jti={"essential": True},
        sub={"essential": True}, client_id={"essential": True}).validate(decoded.claims)
    return decoded


@pytest.fixture(scope="module")
def world(stack):
    stack.latchctl("scope", "add", "ledger:read", "--description", "read the ledger")
    factory = TokenFactory(stack)
    suffix = unique("jwt")
    jwt_resource = f"https://ledger-{suffix}.example/api"
    opaque_resource = f"https://other-{suffix}.example/api"
    register_resource(stack, jwt_resource, scopes=["ledger:read"], default_scopes=["ledger:read"],
                      extra=("--token-format", "jwt"))
    register_resource(stack, opaque_resource, scopes=["ledger:read"], default_scopes=["ledger:read"])
    app = factory.app(client_credentials=True)
    return {"jwt": jwt_resource, "opaque": opaque_resource, "app": app, "factory": factory}


def client_token(stack, world, resource=None):
    r = token_request(stack, world["app"], grant_type="client_credentials", scope="ledger:read",
                      resource=resource or world["jwt"])
    assert r.status_code == 200, r.text
    return r.json()


def test_client_credentials_token_for_a_jwt_resource_verifies_offline(stack, world):
    body = client_token(stack, world)
    token = body["access_token"]
    assert not token.startswith("lat_")
    decoded = verify_offline(stack, token, world["jwt"])
    claims = decoded.claims
    assert claims["client_id"] == world["app"].client_id
    assert claims["sub"] == world["app"].client_id  # no person: the client itself (RFC 9068 §2.2)
    assert claims["scope"] == "ledger:read"
    assert abs(claims["exp"] - claims["iat"] - body["expires_in"]) <= 1
    assert "auth_time" not in claims
    kids = [k["kid"] for k in stack.get("/oauth2/jwks").json()["keys"]]
    assert decoded.header["kid"] in kids and decoded.header["alg"] == "RS256"
    # Not stored as such: its jti is the row's id, whose secret never left the server.
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE id = '{claims['jti']}' AND kind = 'access'") == "1"
    # A resource without --token-format jwt still gets opaque tokens.
    assert client_token(stack, world, world["opaque"])["access_token"].startswith("lat_")


def test_the_gate_accepts_it_at_its_resource_only(stack, world):
    token = client_token(stack, world)["access_token"]
    assert parts(token)[0]["typ"] == "at+jwt"
    r = check(stack, token, world["jwt"])
    assert r.status_code == 204, r.text
    assert r.headers["X-Latch-Client"] == world["app"].client_id
    assert check(stack, token, world["opaque"]).status_code == 401
    # Nor latch's own API.
    assert stack.get("/api/v2/users/me", headers=bearer(token)).status_code == 401


def test_a_revoked_jwt_is_refused_by_the_gate(stack, world):
    token = client_token(stack, world)["access_token"]
    assert check(stack, token, world["jwt"]).status_code == 204
    assert revoke(stack, world["app"], token).status_code == 200
    jti = parts(token)[1]["jti"]
    assert stack.scalar(f"SELECT revoked_at IS NOT NULL FROM tokens WHERE id = '{jti}'") == "t"
    r = check(stack, token, world["jwt"])
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert introspect(stack, world["app"], token).json() == {"active": False}


def test_introspection_of_a_jwt(stack, world):
    token = client_token(stack, world)["access_token"]
    claims = parts(token)[1]
    doc = introspect(stack, world["app"], token).json()
    assert doc["active"] is True
    assert doc["aud"] == world["jwt"] and doc["client_id"] == world["app"].client_id
    assert doc["scope"] == "ledger:read" and doc["sub"] == world["app"].client_id
    assert abs(doc["exp"] - claims["exp"]) <= 1


def forged(stack, token):
    header, payload = parts(token)
    signing_input = lambda h, p: b64url(json.dumps(h).encode()) + "." + b64url(json.dumps(p).encode())
    signature = token.split(".")[2]
    out = {}
    # A claim changed, the signature kept.
    widened = dict(payload, scope="ledger:read admin")
    out["tampered"] = signing_input(header, widened) + "." + signature
    # alg none, no signature.
    out["none"] = signing_input(dict(header, alg="none"), payload) + "."
    # HS256 keyed with the published RSA public key (the classic key-confusion attack).
    jwk = next(k for k in stack.get("/oauth2/jwks").json()["keys"] if k["kid"] == header["kid"])
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    e = int.from_bytes(base64.urlsafe_b64decode(jwk["e"] + "=" * (-len(jwk["e"]) % 4)), "big")
    pem = RSAPublicNumbers(e, n).public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_input = signing_input(dict(header, alg="HS256"), payload)
    out["hs256"] = hs_input + "." + b64url(hmac.new(pem, hs_input.encode(), hashlib.sha256).digest())
    return out


@pytest.mark.parametrize("kind", ["tampered", "none", "hs256"])
def test_forged_jwts_are_refused(stack, world, kind):
    token = client_token(stack, world)["access_token"]
    bad = forged(stack, token)[kind]
    assert check(stack, bad, world["jwt"]).status_code == 401
    assert introspect(stack, world["app"], bad).json() == {"active": False}
    assert stack.get("/oauth2/userinfo", headers=bearer(bad)).status_code == 401
    # Revoking a forged token does nothing to the real one.
    assert revoke(stack, world["app"], bad).status_code == 200
    assert check(stack, token, world["jwt"]).status_code == 204


def test_code_flow_jwt_with_user_claims_at_hash_refresh_and_userinfo(stack, world):
    ensure_scopes(stack)
    client_id, secret = make_confidential_app(stack, [REDIRECT])
    name, password = make_user(stack)
    browser = Browser(stack)
    browser.sign_in(name, password)
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT,
                                         scope="openid ledger:read", resource=world["jwt"]))
    r = exchange(stack, code, verifier, client_id, secret, redirect_uri=REDIRECT, resource=world["jwt"])
    assert r.status_code == 200, r.text
    body = r.json()
    access = body["access_token"]
    claims = verify_offline(stack, access, world["jwt"]).claims
    user_id = stack.scalar(f"SELECT id FROM users WHERE username = '{name}'")
    assert claims["sub"] == user_id and claims["client_id"] == client_id
    assert isinstance(claims["auth_time"], int) and claims["auth_time"] <= claims["iat"]
    # at_hash is over the access token actually returned (the JWT).
    id_claims = parts(body["id_token"])[1]
    assert id_claims["at_hash"] == b64url(hashlib.sha256(access.encode()).digest()[:16])
    assert id_claims["auth_time"] == claims["auth_time"]
    # Userinfo accepts it like an opaque token.
    info = stack.get("/oauth2/userinfo", headers=bearer(access))
    assert info.status_code == 200 and info.json()["sub"] == user_id
    # The refresh token stays opaque; the new access token is a JWT again, the old one dies.
    assert body["refresh_token"].startswith("lrt_")
    app = type("A", (), {"form": staticmethod(lambda **f: f), "auth": (client_id, secret)})()
    again = refresh(stack, app, body["refresh_token"])
    assert again.status_code == 200, again.text
    renewed = again.json()["access_token"]
    renewed_claims = verify_offline(stack, renewed, world["jwt"]).claims
    assert renewed_claims["jti"] != claims["jti"] and renewed_claims["auth_time"] == claims["auth_time"]
    assert check(stack, renewed, world["jwt"]).status_code == 204
    assert check(stack, access, world["jwt"]).status_code == 401
    # An ID token, signed by the same key, is no access token (typ JWT, no jti).
    assert check(stack, again.json()["id_token"], world["jwt"]).status_code == 401
    assert stack.get("/oauth2/userinfo", headers=bearer(again.json()["id_token"])).status_code == 401
