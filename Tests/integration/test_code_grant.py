"""grant_type=authorization_code at POST /oauth2/tokens through nginx: every error outcome,
PKCE (RFC 7636 Appendix B end to end), redirect_uri and resource rules, single use under
concurrency, and a replay revoking what the code issued."""
import secrets
import threading

import pytest
import requests

from clienthelpers import register_resource

from authflow import (Browser, authorize_params, ensure_scopes, exchange, make_app, make_confidential_app, make_user,
                      me, pkce_pair, remember)

REDIRECT = "https://app.example/cb"


@pytest.fixture(scope="module")
def world(stack):
    ensure_scopes(stack)
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    client, secret = make_confidential_app(stack, [REDIRECT], scope="profile email")
    other, other_secret = make_confidential_app(stack, [REDIRECT])
    return {"user": name, "browser": browser, "client": client, "secret": secret,
            "other": other, "other_secret": other_secret}


def new_code(world, redirect_uri=REDIRECT, client=None, **kw):
    verifier, challenge = pkce_pair()
    code = world["browser"].code(authorize_params(client or world["client"], challenge, redirect_uri=redirect_uri,
                                                  state=secrets.token_urlsafe(8), **kw))
    return code, verifier


def redeem(stack, world, code, verifier, **kw):
    kw.setdefault("client_id", world["client"])
    kw.setdefault("secret", world["secret"])
    kw.setdefault("redirect_uri", REDIRECT)
    return exchange(stack, code, verifier, **kw)


def assert_invalid_grant(r):
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_grant"
    assert r.json()["error_description"]
    assert r.headers["Cache-Control"] == "no-store"


# -- success --------------------------------------------------------------------------------

def test_code_exchange_returns_tokens_that_work(stack, world):
    code, verifier = new_code(world, scope="profile")
    r = redeem(stack, world, code, verifier)
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Pragma"] == "no-cache"
    body = r.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "profile"
    assert body["access_token"].startswith("lat_") and body["refresh_token"].startswith("lrt_")
    r = me(stack, body["access_token"])
    assert r.status_code == 200
    assert r.json()["username"] == world["user"]


def test_rfc7636_appendix_b_vector_end_to_end(stack, world):
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    code = world["browser"].code(authorize_params(world["client"], challenge, redirect_uri=REDIRECT, state="b"))
    assert stack.scalar(f"SELECT code_challenge FROM authorization_codes WHERE id = '{code[4:20]}'") == challenge
    assert_invalid_grant(redeem(stack, world, code, verifier[:-1] + "l"))   # one character off: refused, and burnt
    code = world["browser"].code(authorize_params(world["client"], challenge, redirect_uri=REDIRECT, state="b"))
    r = redeem(stack, world, code, verifier)
    assert r.status_code == 200, r.text
    assert me(stack, r.json()["access_token"]).json()["username"] == world["user"]


def test_client_secret_post_and_the_token_alias(stack, world):
    code, verifier = new_code(world)
    r = stack.post("/oauth2/token", data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                          "redirect_uri": REDIRECT, "client_id": world["client"],
                                          "client_secret": world["secret"]})
    assert r.status_code == 200, r.text
    remember(stack, r.json()["access_token"], r.json()["refresh_token"])


def test_public_client_authenticates_with_none(stack, world):
    client = make_app(stack, ["http://127.0.0.1:8765/cb"], public=True)
    code, verifier = new_code(world, redirect_uri="http://127.0.0.1:8765/cb", client=client)
    r = exchange(stack, code, verifier, client_id=client, redirect_uri="http://127.0.0.1:8765/cb", method="none")
    assert r.status_code == 200, r.text
    assert me(stack, r.json()["access_token"]).status_code == 200


def test_refresh_token_only_for_clients_allowed_the_refresh_grant(stack, world):
    client, secret = make_confidential_app(stack, [REDIRECT])
    stack.psql(f"UPDATE clients SET grant_types = '{{authorization_code}}' WHERE client_id = '{client}'")
    code, verifier = new_code(world, client=client)
    r = redeem(stack, world, code, verifier, client_id=client, secret=secret)
    assert r.status_code == 200, r.text
    assert "refresh_token" not in r.json()
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{client}' AND kind = 'refresh'") == "0"


def test_redirect_uri_may_be_left_out_when_the_authorize_request_did(stack, world):
    code, verifier = new_code(world, redirect_uri=None)
    assert redeem(stack, world, code, verifier, redirect_uri=None).status_code == 200
    code, verifier = new_code(world, redirect_uri=None)
    assert redeem(stack, world, code, verifier, redirect_uri=REDIRECT).status_code == 200
    code, verifier = new_code(world, redirect_uri=None)
    assert_invalid_grant(redeem(stack, world, code, verifier, redirect_uri="https://app.example/other"))


def test_resource_becomes_the_audience_and_may_be_repeated(stack, world):
    # Revision 2: the resource is registered; the token request may repeat it (in any
    # equivalent form) or leave it out; without one at authorize the token is for latch's own API.
    resource = "https://api.example/v1"
    register_resource(stack, resource, scopes=["profile", "email"])
    for sent in [resource, "HTTPS://api.example/v1/", None]:
        code, verifier = new_code(world, resource=resource)
        r = redeem(stack, world, code, verifier, **({"resource": sent} if sent else {}))
        assert r.status_code == 200, r.text
        token_id = r.json()["access_token"][4:20]
        assert stack.scalar(f"SELECT audience FROM tokens WHERE id = '{token_id}'") == resource
    code, verifier = new_code(world)
    r = redeem(stack, world, code, verifier)
    assert stack.scalar(f"SELECT audience FROM tokens WHERE id = '{r.json()['access_token'][4:20]}'") == stack.issuer


# -- every error outcome -------------------------------------------------------------------

def case_wrong_code(stack, world):
    return redeem(stack, world, "lac_0123456789abcdef_" + "A" * 43, pkce_pair()[0])


def case_malformed_code(stack, world):
    return redeem(stack, world, "not-a-code", pkce_pair()[0])


def case_wrong_secret_part(stack, world):
    code, verifier = new_code(world)
    r = redeem(stack, world, code[:21] + ("B" if code[21] != "B" else "C") + code[22:], verifier)
    # The presenter never held the code: nothing changes, the real code still works.
    assert redeem(stack, world, code, verifier).status_code == 200
    return r


def case_expired(stack, world):
    code, verifier = new_code(world)
    stack.psql(f"UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE id = '{code[4:20]}'")
    return redeem(stack, world, code, verifier)


def case_used(stack, world):
    code, verifier = new_code(world)
    assert redeem(stack, world, code, verifier).status_code == 200
    return redeem(stack, world, code, verifier)


def case_other_clients_code(stack, world):
    code, verifier = new_code(world)
    r = redeem(stack, world, code, verifier, client_id=world["other"], secret=world["other_secret"])
    assert_invalid_grant(redeem(stack, world, code, verifier))   # burnt
    return r


def case_pkce_mismatch(stack, world):
    code, verifier = new_code(world)
    r = redeem(stack, world, code, pkce_pair()[0])
    assert_invalid_grant(redeem(stack, world, code, verifier))   # burnt: no second guess
    return r


def case_missing_verifier(stack, world):
    code, _ = new_code(world)
    return redeem(stack, world, code, None)


def case_malformed_verifier(stack, world):
    code, verifier = new_code(world)
    return redeem(stack, world, code, verifier[:42])


def case_verifier_equal_to_challenge(stack, world):
    # "plain" PKCE: sending the challenge as the verifier must not work.
    verifier, challenge = pkce_pair()
    code = world["browser"].code(authorize_params(world["client"], challenge, redirect_uri=REDIRECT))
    return redeem(stack, world, code, challenge)


def case_missing_redirect_uri(stack, world):
    code, verifier = new_code(world)
    return redeem(stack, world, code, verifier, redirect_uri=None)


def case_different_redirect_uri(stack, world):
    code, verifier = new_code(world)
    return redeem(stack, world, code, verifier, redirect_uri=REDIRECT + "/")


def case_user_disabled(stack, world):
    name, password = make_user(stack)
    browser = Browser(stack)
    browser.sign_in(name, password)
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(world["client"], challenge, redirect_uri=REDIRECT))
    stack.psql(f"UPDATE users SET disabled_at = now() WHERE username = '{name}'")
    return redeem(stack, world, code, verifier)


GRANT_CASES = [case_wrong_code, case_malformed_code, case_wrong_secret_part, case_expired, case_used,
               case_other_clients_code, case_pkce_mismatch, case_missing_verifier, case_malformed_verifier,
               case_verifier_equal_to_challenge, case_missing_redirect_uri, case_different_redirect_uri, case_user_disabled]


@pytest.mark.parametrize("case", GRANT_CASES, ids=[c.__name__[5:] for c in GRANT_CASES])
def test_invalid_grant_outcomes(stack, world, case):
    assert_invalid_grant(case(stack, world))


def test_resource_mismatch_is_invalid_target(stack, world):
    resource = "https://api.example/v1"
    register_resource(stack, resource, scopes=["profile", "email"])
    register_resource(stack, "https://api.example/v2", scopes=["profile", "email"])
    for sent in ["https://api.example/v2", "/v1", "https://api.example/v1#x"]:
        code, verifier = new_code(world, resource=resource)
        extra = {"resource": sent} if sent else {}
        r = redeem(stack, world, code, verifier, **extra)
        assert r.status_code == 400
        assert r.json()["error"] == "invalid_target"
    code, verifier = new_code(world)
    r = redeem(stack, world, code, verifier, resource=resource)
    assert r.status_code == 400 and r.json()["error"] == "invalid_target"


def test_missing_code_and_repeated_parameters_are_invalid_request(stack, world):
    code, verifier = new_code(world)
    r = stack.post("/oauth2/tokens", auth=(world["client"], world["secret"]),
                   data={"grant_type": "authorization_code", "code_verifier": verifier, "redirect_uri": REDIRECT})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = stack.post("/oauth2/tokens", auth=(world["client"], world["secret"]),
                   data=[("grant_type", "authorization_code"), ("code", code), ("code", code),
                         ("code_verifier", verifier), ("redirect_uri", REDIRECT)])
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_client_authentication_failures(stack, world):
    code, verifier = new_code(world)
    r = redeem(stack, world, code, verifier, secret=world["other_secret"])
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"] == 'Basic realm="latch"'
    # Two methods at once.
    r = stack.post("/oauth2/tokens", auth=(world["client"], world["secret"]),
                   data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                         "redirect_uri": REDIRECT, "client_secret": world["secret"]})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # A confidential client cannot pass as public.
    r = exchange(stack, code, verifier, client_id=world["client"], redirect_uri=REDIRECT, method="none")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # None of this touched the code.
    assert redeem(stack, world, code, verifier).status_code == 200


# -- single use ------------------------------------------------------------------------------

def test_replay_revokes_the_grant_the_code_produced(stack, world):
    code, verifier = new_code(world)
    first = redeem(stack, world, code, verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert me(stack, tokens["access_token"]).status_code == 200
    assert_invalid_grant(redeem(stack, world, code, verifier))
    assert me(stack, tokens["access_token"]).status_code == 401
    grant = stack.psql(f"""SELECT g.revoked_reason FROM grants g JOIN authorization_codes c ON c.grant_id = g.id
                          WHERE c.id = '{code[4:20]}'""")
    assert grant == [["code_replay"]]
    assert stack.get("/oauth2/check", headers={"Authorization": "Bearer " + tokens["access_token"]}).status_code == 401


def test_a_new_grant_does_not_revoke_another(stack, world):
    code, verifier = new_code(world)
    first = redeem(stack, world, code, verifier).json()
    code, verifier = new_code(world)
    second = redeem(stack, world, code, verifier).json()
    assert me(stack, first["access_token"]).status_code == 200
    assert me(stack, second["access_token"]).status_code == 200


@pytest.fixture(scope="module")
def busy_stack(make_stack):
    """More workers than the shared stack, so that redemptions really run side by side."""
    return make_stack(workers=6)


def test_twenty_concurrent_redemptions_exactly_one_wins(busy_stack):
    stack = busy_stack
    ensure_scopes(stack)
    name, password = make_user(stack)
    browser = Browser(stack)
    assert browser.sign_in(name, password).status_code == 303
    client, secret = make_confidential_app(stack, [REDIRECT])
    verifier, challenge = pkce_pair()
    code = browser.code(authorize_params(client, challenge, redirect_uri=REDIRECT, state="race"))
    barrier = threading.Barrier(20)
    results = [None] * 20

    def attempt(i):
        session = requests.Session()
        barrier.wait(timeout=30)
        results[i] = session.post(stack.url("/oauth2/tokens"), auth=(client, secret), timeout=60,
                                  data={"grant_type": "authorization_code", "code": code,
                                        "code_verifier": verifier, "redirect_uri": REDIRECT})

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [400] * 19, statuses
    assert all(r.json()["error"] == "invalid_grant" for r in results if r.status_code == 400)
    winner = next(r.json() for r in results if r.status_code == 200)
    remember(stack, winner["access_token"], winner["refresh_token"])
    assert stack.scalar(f"SELECT count(*) FROM grants WHERE client_id = '{client}'") == "1"
    assert stack.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{client}'") == "2"
    # The 19 losers were replays: the winner's tokens are revoked.
    assert me(stack, winner["access_token"]).status_code == 401
    # The audit trail says the same, written by the same statements: one redemption, 19
    # replays, and the grant revoked once.
    assert stack.psql(f"SELECT event, count(*) FROM audit_events WHERE client_id = '{client}' "
                      f"AND event IN ('code.redeemed', 'code.replayed', 'grant.revoked') GROUP BY event ORDER BY event") == \
        [["code.redeemed", "1"], ["code.replayed", "19"], ["grant.revoked", "1"]]
