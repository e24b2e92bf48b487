"""Bounded growth (README "Clients and admins" purge, "Database", "Dynamic client registration"):
`latchctl purge` deletes grants past their end, revoked grants and grants left with no token,
and unverified dynamic clients that obtained no token for LATCH_DYNAMIC_CLIENT_IDLE_DAYS —
in bounded batches — and keeps everything live."""
import pytest

from clienthelpers import register
from tokenfactory import TokenFactory, access_works, q, refresh, token_request

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 Appendix B; TokenFactory.code's challenge


@pytest.fixture(scope="module")
def s(make_stack):
    """Its own stack: the purge deletes across the whole database."""
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


@pytest.fixture
def f(s):
    return TokenFactory(s)


def grant_exists(s, grant_id):
    return s.scalar(f"SELECT count(*) FROM grants WHERE id = {q(grant_id)}") == "1"


def client_exists(s, client_id):
    return s.scalar(f"SELECT count(*) FROM clients WHERE client_id = {q(client_id)}") == "1"


def token_grant(s, token):
    return s.scalar(f"SELECT grant_id FROM tokens WHERE id = {q(token.split('_')[1])}")


def register_public(s):
    r = register(s, {"redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "none"})
    assert r.status_code == 201, r.text
    return r.json()["client_id"]


def exchange_code(s, f, client_id, user_id):
    code = f.code(client_id, user_id)
    return s.post("/oauth2/tokens", data={"grant_type": "authorization_code", "code": code.value,
                                          "code_verifier": VERIFIER, "redirect_uri": "https://app.example/cb",
                                          "client_id": client_id})


def test_client_credentials_grants_go_once_their_token_expired(s, f):
    """Every client_credentials call adds a grant; before, none was ever deleted."""
    app = f.app(client_credentials=True)
    tokens = [token_request(s, app, grant_type="client_credentials").json()["access_token"] for _ in range(3)]
    grants = [token_grant(s, t) for t in tokens]
    # The grant ends with its only token (it can issue nothing more).
    assert s.psql(f"SELECT count(*) FROM grants g JOIN tokens t ON t.grant_id = g.id "
                  f"WHERE g.client_id = {q(app.client_id)} AND g.expires_at = t.expires_at") == [["3"]]
    s.psql(f"UPDATE tokens SET expires_at = now() - interval '1 second' WHERE grant_id IN ({q(grants[0])}, {q(grants[1])})")
    s.psql(f"UPDATE grants SET expires_at = now() - interval '1 second' WHERE id IN ({q(grants[0])}, {q(grants[1])})")
    result = s.latchctl_json("purge")
    assert result["grants"]["deleted"] >= 2
    assert [grant_exists(s, g) for g in grants] == [False, False, True]
    assert access_works(s, tokens[2])


def test_grants_whose_tokens_all_expired_go_with_their_last_token(s, f):
    app = f.app()
    user_id, _ = f.user()
    dead = f.tokens(app, user_id)
    half = f.tokens(app, user_id)
    s.psql(f"UPDATE tokens SET expires_at = now() - interval '1 second' WHERE grant_id = {q(dead.grant_id)}")
    s.psql(f"UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = {q(half.access_id)}")
    s.latchctl("purge", "--batch-size", "1")
    assert not grant_exists(s, dead.grant_id)
    assert grant_exists(s, half.grant_id)                        # its refresh token still lives
    assert refresh(s, app, half.refresh).status_code == 200


def test_revoked_grants_and_grants_past_their_end_go_with_their_tokens(s, f):
    app = f.app()
    user_id, _ = f.user()
    revoked, ended, live = f.tokens(app, user_id), f.tokens(app, user_id), f.tokens(app, user_id)
    s.psql(f"UPDATE grants SET revoked_at = now(), revoked_reason = 'user' WHERE id = {q(revoked.grant_id)}")
    s.psql(f"UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = {q(ended.grant_id)}")
    s.latchctl("purge")
    assert not grant_exists(s, revoked.grant_id) and not grant_exists(s, ended.grant_id)
    assert s.scalar(f"SELECT count(*) FROM tokens WHERE grant_id IN ({q(revoked.grant_id)}, {q(ended.grant_id)})") == "0"
    assert grant_exists(s, live.grant_id) and access_works(s, live.access)


def test_dead_grants_go_in_bounded_batches(s, f):
    s.latchctl("purge")
    app = f.app()
    user_id, _ = f.user()
    for _ in range(5):
        pair = f.tokens(app, user_id)
        s.psql(f"UPDATE grants SET revoked_at = now() WHERE id = {q(pair.grant_id)}")
    result = s.latchctl_json("purge", "--batch-size", "2")
    assert result["grants"] == {"deleted": 5, "batches": 3}


def test_a_token_marks_its_client_used_at_most_once_a_day(s, f):
    client_id = register_public(s)
    user_id, _ = f.user()
    assert s.scalar(f"SELECT last_token_at IS NULL FROM clients WHERE client_id = {q(client_id)}") == "t"
    first = exchange_code(s, f, client_id, user_id)
    assert first.status_code == 200, first.text
    marked = s.scalar(f"SELECT last_token_at FROM clients WHERE client_id = {q(client_id)}")
    assert marked is not None
    # A refresh the same day does not write the client row again.
    assert s.post("/oauth2/tokens", data={"grant_type": "refresh_token", "client_id": client_id,
                                          "refresh_token": first.json()["refresh_token"]}).status_code == 200
    assert s.scalar(f"SELECT last_token_at FROM clients WHERE client_id = {q(client_id)}") == marked
    # A day later it does.
    s.psql(f"UPDATE clients SET last_token_at = now() - interval '25 hours' WHERE client_id = {q(client_id)}")
    assert exchange_code(s, f, client_id, user_id).status_code == 200
    assert s.scalar(f"SELECT last_token_at > now() - interval '1 hour' FROM clients WHERE client_id = {q(client_id)}") == "t"


def test_idle_unverified_dynamic_clients_are_deleted_with_everything_of_theirs(s, f):
    user_id, _ = f.user()
    never_used = register_public(s)
    idle = register_public(s)
    recent = register_public(s)
    verified = register_public(s)
    admin = f.app()
    assert exchange_code(s, f, idle, user_id).status_code == 200
    assert exchange_code(s, f, recent, user_id).status_code == 200
    s.psql(f"UPDATE clients SET created_at = now() - interval '40 days' "
           f"WHERE client_id IN ({q(never_used)}, {q(idle)}, {q(recent)}, {q(verified)}, {q(admin.client_id)})")
    s.psql(f"UPDATE clients SET last_token_at = now() - interval '31 days' WHERE client_id = {q(idle)}")
    s.psql(f"UPDATE clients SET last_token_at = now() - interval '29 days' WHERE client_id = {q(recent)}")
    s.psql(f"UPDATE clients SET verified = true WHERE client_id = {q(verified)}")
    result = s.latchctl_json("purge")
    assert result["clients"]["deleted"] == 2
    assert [client_exists(s, c) for c in (never_used, idle, recent, verified, admin.client_id)] == [False, False, True, True, True]
    assert s.scalar(f"SELECT count(*) FROM grants WHERE client_id = {q(idle)}") == "0"


def test_idle_days_come_from_the_environment_or_the_option(s, f):
    client_id = register_public(s)
    s.psql(f"UPDATE clients SET created_at = now() - interval '6 days' WHERE client_id = {q(client_id)}")
    s.latchctl("purge")
    assert client_exists(s, client_id)                          # default 30 days
    assert s.latchctl("purge", "--dynamic-client-idle-days", "0", check=False).returncode == 64
    s.env["LATCH_DYNAMIC_CLIENT_IDLE_DAYS"] = "7"
    try:
        s.latchctl("purge")
        assert client_exists(s, client_id)
        s.env["LATCH_DYNAMIC_CLIENT_IDLE_DAYS"] = "nope"
        assert s.latchctl("purge", check=False).returncode == 64
    finally:
        del s.env["LATCH_DYNAMIC_CLIENT_IDLE_DAYS"]
    s.latchctl("purge", "--dynamic-client-idle-days", "5")
    assert not client_exists(s, client_id)


def test_purge_help_names_what_it_deletes(s):
    text = s.latchctl("purge", "--help").stdout
    assert "grants" in text and "LATCH_DYNAMIC_CLIENT_IDLE_DAYS" in text and "--dynamic-client-idle-days" in text


def test_purge_many_dead_grants_in_batches_and_keep_live_ones(s, f):
    """A quarter of a million dead grants (what a busy client_credentials service leaves in a
    day), in batches; the live grant and its tokens stay."""
    s.latchctl("purge")
    app = f.app(client_credentials=True)
    user_id, _ = f.user()
    live = f.tokens(app, user_id)
    c = q(app.client_id)
    s.psql(f"INSERT INTO grants (id, client_id, scope, created_at, expires_at) "
           f"SELECT 'gx' || g, {c}, '', now() - interval '2 hours', now() - interval '1 hour' FROM generate_series(1, 150000) g")
    s.psql(f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, created_at, expires_at) "
           f"SELECT 'tx' || g, 'access', '\\x00', 'gx' || g, {c}, now() - interval '2 hours', now() - interval '1 hour' "
           f"FROM generate_series(1, 150000) g")
    s.psql(f"INSERT INTO grants (id, client_id, scope, revoked_at) "
           f"SELECT 'gr' || g, {c}, '', now() FROM generate_series(1, 100000) g")
    result = s.latchctl_json("purge", "--batch-size", "50000")
    assert result["tokens"]["deleted"] == 150000
    assert result["grants"]["deleted"] == 250000
    assert s.scalar(f"SELECT count(*) FROM grants WHERE client_id = {c}") == "1"
    assert access_works(s, live.access) and refresh(s, app, live.refresh).status_code == 200
    assert s.latchctl_json("purge")["grants"] == {"deleted": 0, "batches": 1}
