"""The token endpoint's limit per unverified client (SECURITY.md "What was checked":
LATCH_UNVERIFIED_TOKEN_RATE_LIMIT, default 120 a minute): past it, `429` with `Retry-After`
and an OAuth error body, shared by every worker (counted in PostgreSQL); a refused request
burns no code and revokes no grant. What counts is what the client obtained, so requests
that get nothing (anyone can send them with a public client's id) cannot use up its minute.
Verified clients are not limited and pay no extra round trip for it."""
import time

import pytest

from clienthelpers import register
from test_round_trips import statements_for
from tokenfactory import App, TokenFactory, access_works, q, refresh, token_request

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 Appendix B; TokenFactory.code's challenge
LIMIT = 3


@pytest.fixture(scope="module")
def s(make_stack):
    return make_stack({"LATCH_UNVERIFIED_TOKEN_RATE_LIMIT": str(LIMIT), "LATCH_REGISTRATION_RATE_LIMIT": "1000000"},
                      workers=3)


@pytest.fixture
def f(s):
    return TokenFactory(s)


def within_one_minute(s):
    """Starts a test's counted requests early in a minute, so that they share one window
    (setup only: what is asserted never depends on time)."""
    second = float(s.scalar("SELECT extract(second FROM now())"))
    if second > 40:
        time.sleep(61 - second)


def unverified_public_app(s):
    r = register(s, {"redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    return App(r.json()["client_id"], None, public=True)


def exchange(s, app, code):
    return token_request(s, app, grant_type="authorization_code", code=code.value, code_verifier=VERIFIER,
                         redirect_uri="https://app.example/cb")


def test_an_unverified_client_gets_429_past_the_limit(s, f):
    app = unverified_public_app(s)
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    within_one_minute(s)
    current = pair.refresh
    for _ in range(LIMIT):
        r = refresh(s, app, current)
        assert r.status_code == 200, r.text
        current = r.json()["refresh_token"]
    refused = refresh(s, app, current)
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"] == "rate_limited" and refused.json()["error_description"]
    # The refused request spent nothing: the refresh token is unused and the grant alive.
    assert s.scalar(f"SELECT used_at IS NULL FROM tokens WHERE id = {q(current.split('_')[1])}") == "t"
    assert s.scalar(f"SELECT revoked_at IS NULL FROM grants WHERE id = {q(pair.grant_id)}") == "t"
    # Nor does it burn a code.
    code = f.code(app, user_id)
    assert exchange(s, app, code).status_code == 429
    assert s.scalar(f"SELECT redeemed_at IS NULL FROM authorization_codes WHERE id = {q(code.id)}") == "t"


def test_the_count_is_shared_by_every_worker_and_kept_in_postgresql(s, f):
    app = unverified_public_app(s)
    user_id, _ = f.user()
    pairs = [f.tokens(app, user_id) for _ in range(LIMIT + 2)]
    within_one_minute(s)
    statuses = [refresh(s, app, p.refresh).status_code for p in pairs]
    assert statuses == [200] * LIMIT + [429, 429]
    assert s.scalar(f"SELECT hits FROM rate_limits WHERE bucket = {q('token:' + app.client_id)} "
                    f"AND window_start = date_trunc('minute', now())") == str(LIMIT)
    # The window is per client: another unverified client is not slowed by this one.
    other = unverified_public_app(s)
    assert refresh(s, other, f.tokens(other, user_id).refresh).status_code == 200


def test_refused_requests_do_not_use_up_a_public_clients_minute(s, f):
    """Anyone may send token requests naming a public client; those that get nothing count nothing."""
    app = unverified_public_app(s)
    user_id, _ = f.user()
    within_one_minute(s)
    for _ in range(LIMIT * 3):
        r = s.post("/oauth2/tokens", data={"grant_type": "refresh_token", "client_id": app.client_id,
                                           "refresh_token": f.tokens(f.app(), user_id).refresh})
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    pair = f.tokens(app, user_id)
    r = refresh(s, app, pair.refresh)
    assert r.status_code == 200, r.text


def test_a_full_window_refuses_until_the_next_one(s, f):
    app = unverified_public_app(s)
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    s.psql(f"INSERT INTO rate_limits (bucket, window_start, hits) "
           f"SELECT {q('token:' + app.client_id)}, date_trunc('minute', now()) + make_interval(mins => m), {LIMIT} "
           f"FROM generate_series(0, 2) m")
    assert refresh(s, app, pair.refresh).status_code == 429
    s.psql(f"DELETE FROM rate_limits WHERE bucket = {q('token:' + app.client_id)}")
    r = refresh(s, app, pair.refresh)
    assert r.status_code == 200 and access_works(s, r.json()["access_token"])


def test_verified_clients_are_not_limited_and_pay_no_extra_round_trip(s, f):
    app = f.app(client_credentials=True)
    user_id, _ = f.user()
    within_one_minute(s)
    for _ in range(LIMIT * 3):
        r, n = statements_for(s, lambda: token_request(s, app, grant_type="client_credentials"))
        assert r.status_code == 200 and n == 1
    pair = f.tokens(app, user_id)
    for _ in range(LIMIT * 2):
        r, n = statements_for(s, lambda: refresh(s, app, pair.refresh))
        assert r.status_code == 200 and n == 1
        pair.refresh = r.json()["refresh_token"]
    assert s.scalar(f"SELECT count(*) FROM rate_limits WHERE bucket = {q('token:' + app.client_id)}") == "0"


def test_a_client_verified_later_is_no_longer_limited(s, f):
    app = unverified_public_app(s)
    user_id, _ = f.user()
    s.psql(f"INSERT INTO rate_limits (bucket, window_start, hits) "
           f"SELECT {q('token:' + app.client_id)}, date_trunc('minute', now()) + make_interval(mins => m), {LIMIT} "
           f"FROM generate_series(0, 2) m")
    pair = f.tokens(app, user_id)
    assert refresh(s, app, pair.refresh).status_code == 429
    s.psql(f"UPDATE clients SET verified = true WHERE client_id = {q(app.client_id)}")
    assert refresh(s, app, pair.refresh).status_code == 200


