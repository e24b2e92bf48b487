"""ID tokens and userinfo (README "OpenID Connect"), with real relying parties: authlib's OAuth2
client runs the code flow (PKCE, nonce) and its OpenID Connect claims class validates the ID
token against /oauth2/jwks (signature, iss, aud, exp, nonce, at_hash); PyPI's joserfc verifies
the same token independently; an ES256 client registered with id_token_signed_response_alg;
a refresh gives a new ID token with the same auth_time; userinfo over GET and POST."""
import base64
import hashlib
import json
import secrets
import time
import warnings

import pytest
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from authflow import Browser, ensure_scopes, make_confidential_app, make_user, query_of, remember, unique
from clienthelpers import register

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt as authlib_jwt
    from authlib.oidc.core import CodeIDToken

REDIRECT = "https://rp.example/cb"


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def make_person(stack, email=None, verified=False):
    name = unique("oidc")
    password = secrets.token_urlsafe(12)
    args = ["user", "create", name, "--password-stdin"]
    if email:
        args += ["--email", email] + (["--email-verified"] if verified else [])
    user = json.loads(stack.latchctl(*args, "--json", input=password).stdout)
    remember(stack, password)
    return user, password


def relying_party(stack, client_id, secret, scope="openid profile email"):
    return OAuth2Session(client_id, secret, scope=scope, redirect_uri=REDIRECT, code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic")


def sign_in_flow(stack, client_id, secret, person, scope="openid profile email", nonce=None):
    """authlib builds the authorization URL (state, nonce, PKCE); a person signs in and allows;
    authlib redeems the code. Returns (tokens, nonce, session)."""
    rp = relying_party(stack, client_id, secret, scope)
    nonce = nonce or secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    url, state = rp.create_authorization_url(stack.url("/oauth2/authorize"), nonce=nonce, code_verifier=verifier)
    browser = Browser(stack)
    user, password = person
    assert browser.sign_in(user["username"], password).status_code == 303
    r = browser.get(url)
    if r.status_code == 200:
        from authflow import form_fields
        r = browser.decide(form_fields(r.text, "/oauth2/authorize"), "allow")
    assert r.status_code == 302, r.text[:300]
    location = r.headers["Location"]
    assert query_of(location)["state"] == state
    assert "code" in query_of(location), location
    tokens = rp.fetch_token(stack.url("/oauth2/tokens"), authorization_response=location, code_verifier=verifier)
    remember(stack, tokens["access_token"], tokens.get("refresh_token"))
    return tokens, nonce, rp


def validate_with_authlib(stack, id_token, client_id, nonce, access_token):
    jwks = JsonWebKey.import_key_set(stack.get("/oauth2/jwks").json())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = authlib_jwt.decode(id_token, jwks, claims_cls=CodeIDToken,
                                    claims_options={"iss": {"essential": True, "values": [stack.issuer]}},
                                    claims_params={"nonce": nonce, "client_id": client_id, "access_token": access_token})
        claims.validate(leeway=5)
    return claims


@pytest.fixture(scope="module")
def world(stack):
    ensure_scopes(stack)
    client_id, secret = make_confidential_app(stack, [REDIRECT])
    person = make_person(stack, email=unique("p") + "@example.org", verified=True)
    return {"client": client_id, "secret": secret, "person": person}


def test_authlib_validates_an_rs256_id_token_against_the_jwks(stack, world):
    tokens, nonce, _ = sign_in_flow(stack, world["client"], world["secret"], world["person"])
    header = b64url_json(tokens["id_token"].split(".")[0])
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"] in {k["kid"] for k in stack.get("/oauth2/jwks").json()["keys"]}
    claims = validate_with_authlib(stack, tokens["id_token"], world["client"], nonce, tokens["access_token"])
    user = world["person"][0]
    assert claims["sub"] == str(user["id"])
    assert claims["aud"] == world["client"] and claims["azp"] == world["client"]
    assert claims["nonce"] == nonce
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] <= claims["iat"] <= time.time() + 5
    assert claims["preferred_username"] == user["username"] and claims["name"] == user["username"]
    assert claims["email"].endswith("@example.org") and claims["email_verified"] is True
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_joserfc_verifies_the_same_id_token_independently(stack, world):
    tokens, nonce, _ = sign_in_flow(stack, world["client"], world["secret"], world["person"], scope="openid")
    key_set = KeySet.import_key_set(stack.get("/oauth2/jwks").json())
    token = jose_jwt.decode(tokens["id_token"], key_set, algorithms=["RS256"])
    assert token.claims["nonce"] == nonce and token.claims["iss"] == stack.issuer
    # Only openid: no profile or email claims.
    assert "preferred_username" not in token.claims and "email" not in token.claims
    # A tampered payload fails verification.
    head, payload, signature = tokens["id_token"].split(".")
    forged = dict(token.claims, sub="1")
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(Exception):
        jose_jwt.decode(".".join([head, forged_payload, signature]), key_set, algorithms=["RS256"])


def test_an_es256_client_gets_es256_id_tokens(stack, world):
    r = register(stack, {"client_name": unique("es"), "redirect_uris": [REDIRECT],
                         "id_token_signed_response_alg": "ES256"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id_token_signed_response_alg"] == "ES256"
    stack.latchctl("app", "verify", body["client_id"])   # profile is not an open scope
    tokens, nonce, _ = sign_in_flow(stack, body["client_id"], body["client_secret"], world["person"], scope="openid profile")
    assert b64url_json(tokens["id_token"].split(".")[0])["alg"] == "ES256"
    claims = validate_with_authlib(stack, tokens["id_token"], body["client_id"], nonce, tokens["access_token"])
    assert claims["sub"] == str(world["person"][0]["id"])
    key_set = KeySet.import_key_set(stack.get("/oauth2/jwks").json())
    assert jose_jwt.decode(tokens["id_token"], key_set, algorithms=["ES256"]).claims["aud"] == body["client_id"]


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "", "es256"])
def test_registration_refuses_other_id_token_algorithms(stack, alg):
    r = register(stack, {"client_name": unique("bad"), "redirect_uris": [REDIRECT], "id_token_signed_response_alg": alg})
    assert r.status_code == 400 and r.json()["error"] == "invalid_client_metadata", r.text


def test_a_refresh_gives_a_new_id_token_with_the_same_auth_time(stack, world):
    tokens, nonce, rp = sign_in_flow(stack, world["client"], world["secret"], world["person"])
    first = validate_with_authlib(stack, tokens["id_token"], world["client"], nonce, tokens["access_token"])
    refreshed = rp.refresh_token(stack.url("/oauth2/tokens"), refresh_token=tokens["refresh_token"])
    assert refreshed["id_token"] != tokens["id_token"]
    key_set = KeySet.import_key_set(stack.get("/oauth2/jwks").json())
    claims = jose_jwt.decode(refreshed["id_token"], key_set, algorithms=["RS256"]).claims
    assert claims["auth_time"] == first["auth_time"]
    assert claims["sub"] == first["sub"] and claims["aud"] == world["client"]
    assert "nonce" not in claims
    digest = hashlib.sha256(refreshed["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_without_openid_there_is_no_id_token(stack, world):
    tokens, _, _ = sign_in_flow(stack, world["client"], world["secret"], world["person"], scope="profile")
    assert "id_token" not in tokens


def test_userinfo_get_and_post(stack, world):
    tokens, _, _ = sign_in_flow(stack, world["client"], world["secret"], world["person"])
    user = world["person"][0]
    for method in ("GET", "POST"):
        r = stack.request(method, "/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]})
        assert r.status_code == 200, r.text
        assert r.headers["Cache-Control"] == "no-store"
        body = r.json()
        assert body["sub"] == str(user["id"]) and body["preferred_username"] == user["username"]
        assert body["email_verified"] is True and body["email"].endswith("@example.org")


def test_userinfo_refusals(stack, world):
    tokens, _, _ = sign_in_flow(stack, world["client"], world["secret"], world["person"], scope="profile")
    r = stack.get("/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert r.status_code == 403 and r.json()["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]
    r = stack.get("/oauth2/userinfo", headers={"Authorization": "Bearer lat_0123456789abcdef_" + "A" * 43})
    assert r.status_code == 401 and r.json()["error"] == "invalid_token"
    r = stack.get("/oauth2/userinfo")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = stack.get("/oauth2/userinfo?access_token=" + tokens["access_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/userinfo", data={"access_token": tokens["access_token"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.request("DELETE", "/oauth2/userinfo")
    assert r.status_code == 405


def test_an_email_only_with_the_email_scope_and_only_when_the_user_has_one(stack, world):
    person = make_person(stack)
    tokens, nonce, _ = sign_in_flow(stack, world["client"], world["secret"], person)
    claims = validate_with_authlib(stack, tokens["id_token"], world["client"], nonce, tokens["access_token"])
    assert "email" not in claims and "email_verified" not in claims
    r = stack.latchctl("user", "create", unique("bad"), "--password-stdin", "--email", "not-an-email",
                       input="password-123456", check=False)
    assert r.returncode != 0 and "not an email address" in r.stderr


def test_a_nonce_over_512_characters_is_refused_by_redirect(stack, world):
    browser = Browser(stack)
    user, password = world["person"]
    assert browser.sign_in(user["username"], password).status_code == 303
    from authflow import authorize_params, pkce_pair
    for nonce in ("x" * 513, "y" * 1000):
        r = browser.authorize(authorize_params(world["client"], pkce_pair()[1], redirect_uri=REDIRECT, scope="openid",
                                               nonce=nonce))
        assert r.status_code == 302
        assert query_of(r.headers["Location"])["error"] == "invalid_request"


def test_without_the_key_file_an_openid_exchange_says_server_error_and_logs_why(make_stack):
    s = make_stack({"LATCH_KEY_ENCRYPTION_KEY_FILE": ""})
    client_id, secret = make_confidential_app(s, [REDIRECT])
    person = make_person(s)
    with pytest.raises(Exception):
        sign_in_flow(s, client_id, secret, person, scope="openid")
    assert "LATCH_KEY_ENCRYPTION_KEY_FILE is not set" in s.log("latch-tokens")
    # Without openid nothing needs signing: the exchange works.
    tokens, _, _ = sign_in_flow(s, client_id, secret, person, scope="")
    assert "access_token" in tokens and "id_token" not in tokens
