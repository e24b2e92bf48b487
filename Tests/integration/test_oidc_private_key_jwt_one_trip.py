"""private_key_jwt in one round trip (README "OpenID Connect"): once a worker has verified a
client's assertion (the full path: the client, the jti, the grant), it keeps the client's keys,
and the client's next token request is ONE statement that checks the keys are still the
client's and records the jti with what it issues. A replayed jti is still refused; keys the
client no longer has are refused even while cached. One worker, so the cache is deterministic;
counted with latch_database_statements_total as test_round_trips does."""
import json

import pytest
from joserfc.jwk import RSAKey

from authflow import unique
from clienthelpers import register
from test_oidc_id_tokens import REDIRECT
from test_oidc_private_key_jwt import assertion, code_for, exchange
from test_round_trips import statements_for


@pytest.fixture(scope="module")
def one_worker(make_stack):
    return make_stack(workers=1)


@pytest.fixture(scope="module")
def signer():
    return RSAKey.generate_key(2048, parameters={"kid": "trip-1"})


@pytest.fixture(scope="module")
def client_id(one_worker, signer):
    r = register(one_worker, {"client_name": unique("trip"), "redirect_uris": [REDIRECT],
                              "token_endpoint_auth_method": "private_key_jwt",
                              "jwks": {"keys": [signer.as_dict(private=False) | {"alg": "RS256"}]}})
    assert r.status_code == 201, r.text
    return r.json()["client_id"]


def timed_exchange(s, client_id, signed):
    code, verifier = code_for(s, client_id)
    return statements_for(s, lambda: exchange(s, client_id, code, verifier, signed))


def test_the_second_request_is_one_statement_and_a_replay_is_still_refused(one_worker, client_id, signer):
    s = one_worker
    r, first = timed_exchange(s, client_id, assertion(s, client_id, signer, "RS256"))
    assert r.status_code == 200, r.text
    assert first >= 3  # the client, the jti, the grant
    signed = assertion(s, client_id, signer, "RS256")
    r, second = timed_exchange(s, client_id, signed)
    assert r.status_code == 200, r.text
    assert "id_token" in r.json()
    assert second == 1
    jti = json.loads(__import__("base64").urlsafe_b64decode(signed.split(".")[1] + "==="))["jti"]
    assert s.scalar(f"SELECT count(*) FROM client_assertion_jtis WHERE client_id = '{client_id}' AND jti = '{jti}'") == "1"
    # The same assertion again: refused, nothing issued.
    tokens_before = s.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{client_id}'")
    r, _ = timed_exchange(s, client_id, signed)
    assert r.status_code == 401 and "jti" in r.json()["error_description"], r.text
    assert s.scalar(f"SELECT count(*) FROM tokens WHERE client_id = '{client_id}'") == tokens_before


def test_keys_the_client_no_longer_has_are_refused_while_cached(one_worker, client_id, signer):
    s = one_worker
    r, _ = timed_exchange(s, client_id, assertion(s, client_id, signer, "RS256"))
    assert r.status_code == 200, r.text
    # The client replaces its keys (as a re-registration does); the worker still caches the old.
    replacement = RSAKey.generate_key(2048, parameters={"kid": "trip-1"})
    new_jwks = json.dumps({"keys": [replacement.as_dict(private=False) | {"alg": "RS256"}]})
    s.psql(f"UPDATE clients SET metadata = jsonb_set(metadata, '{{jwks}}', '{new_jwks}'::jsonb) WHERE client_id = '{client_id}'")
    r, _ = timed_exchange(s, client_id, assertion(s, client_id, signer, "RS256"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client", r.text
    r, _ = timed_exchange(s, client_id, assertion(s, client_id, replacement, "RS256"))
    assert r.status_code == 200, r.text
