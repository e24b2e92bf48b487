"""A relying party that caches the JWK Set keeps working across two rotations (README "OpenID
Connect", the rotation timeline): after each `latchctl keys rotate` the next key is in
/oauth2/jwks before it signs; the RP refreshes its cache only as Cache-Control allows, and every
ID token it receives — before, during and after each switch — verifies with the set it holds,
without a restart of latch. The publish delay's passing is simulated by moving the keys'
timeline back in the database (as its owner); each worker then switches by itself."""
import base64
import json

from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from authflow import make_confidential_app
from test_oidc_id_tokens import REDIRECT, make_person, sign_in_flow

DELAY = 30   # LATCH_KEY_PUBLISH_DELAY: workers cache the key set 10 s, /oauth2/jwks max-age 10 s


class CachingRelyingParty:
    """Fetches /oauth2/jwks and keeps it for its max-age, as a relying party library does."""

    def __init__(self, stack):
        self.stack = stack
        self.fetches = 0
        self.refresh()

    def refresh(self):
        r = self.stack.get("/oauth2/jwks")
        assert r.headers["Cache-Control"] == f"public, max-age={DELAY // 3}"
        self.jwks = r.json()
        self.fetches += 1

    def kids(self):
        return {k["kid"] for k in self.jwks["keys"]}

    def verify(self, id_token):
        kid = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "==="))["kid"]
        assert kid in self.kids(), "the relying party met an unknown kid"
        return jose_jwt.decode(id_token, KeySet.import_key_set(self.jwks), algorithms=["RS256", "ES256"]).claims, kid


def current_kid(stack, alg="RS256"):
    return next(k["kid"] for k in stack.latchctl_json("keys", "list") if k["alg"] == alg and k["state"] == "current")


def let_the_publish_delay_pass(stack):
    """What LATCH_KEY_PUBLISH_DELAY seconds do to the timeline: in a second the next keys sign,
    their predecessors retire (and stay published)."""
    shift = DELAY - 1
    stack.psql(f"""
        UPDATE signing_keys SET retired_at = retired_at - interval '{shift} seconds',
                                unpublish_at = unpublish_at - interval '{shift} seconds'
        WHERE retired_at IS NOT NULL AND retired_at > now();
        UPDATE signing_keys SET publish_at = publish_at - interval '{shift} seconds',
                                signs_from = signs_from - interval '{shift} seconds'
        WHERE signs_from > now();""")


def test_a_caching_relying_party_never_meets_an_unknown_kid_across_two_rotations(make_stack):
    s = make_stack({"LATCH_KEY_PUBLISH_DELAY": str(DELAY)})
    workers = s.worker_pids("latch-tokens")
    client_id, secret = make_confidential_app(s, [REDIRECT])
    person = make_person(s)
    rp = CachingRelyingParty(s)
    first = current_kid(s)

    def id_token():
        tokens, _, _ = sign_in_flow(s, client_id, secret, person, scope="openid")
        return tokens["id_token"]

    _, kid = rp.verify(id_token())
    assert kid == first
    signed_by = [first]
    for rotation in (1, 2):
        made = {m["alg"]: m["kid"] for m in s.latchctl_json("keys", "rotate")}
        # The new key does not sign yet: the current one does (or, on a worker whose key ring
        # is still within its cache time of the last switch, the one before, still published),
        # and the RP's cache verifies it.
        kid = rp.verify(id_token())[1]
        assert kid != made["RS256"] and kid in signed_by[-2:]
        # Within a worker's cache time every worker lists it (several answers in a row, from
        # whichever worker), and the RP refetching after its max-age learns it before it signs.
        assert s.wait_until(lambda: all(made["RS256"] in {k["kid"] for k in s.get("/oauth2/jwks").json()["keys"]}
                                        for _ in range(8)), timeout=25)
        rp.refresh()
        assert made["RS256"] in rp.kids() and signed_by[-1] in rp.kids()
        let_the_publish_delay_pass(s)
        # Each worker switches by itself within its cache time; every token meanwhile (old key
        # or new) verifies with the RP's cached set, which it does not refetch.
        fetches = rp.fetches
        seen = set()
        for _ in range(40):
            seen.add(rp.verify(id_token())[1])
            if made["RS256"] in seen:
                break
            s.wait_until(lambda: False, timeout=0.5)
        assert made["RS256"] in seen and seen <= {signed_by[-1], made["RS256"]}, (rotation, seen, s.latchctl_json("keys", "list"),
                                                                                 s.psql("SELECT now()"))
        assert rp.fetches == fetches
        assert current_kid(s) == made["RS256"]
        signed_by.append(made["RS256"])
    # The first key is retired yet still published while tokens it signed may be live.
    states = {k["kid"]: k["state"] for k in s.latchctl_json("keys", "list")}
    assert states[signed_by[0]] == "retired" and states[signed_by[1]] == "retired" and states[signed_by[2]] == "current"
    assert signed_by[0] in {k["kid"] for k in s.get("/oauth2/jwks").json()["keys"]}
    # Nothing was restarted.
    assert s.worker_pids("latch-tokens") == workers
