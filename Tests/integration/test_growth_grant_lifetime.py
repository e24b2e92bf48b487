"""LATCH_GRANT_MAX_LIFETIME (README "Token lifecycle"): a grant has an absolute end; no
token of it outlives it, rotation never extends past it, and past it the grant is dead.
Before, refresh tokens slid forever."""
import os
import shutil

import pytest

from latchstack import ROOT
from test_operability import psql_as, url_for
from tokenfactory import TokenFactory, access_works, introspect, q, refresh, token_request

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"   # RFC 7636 Appendix B; TokenFactory.code's challenge


@pytest.fixture(scope="module")
def s(make_stack):
    return make_stack({"LATCH_GRANT_MAX_LIFETIME": "7200"})


@pytest.fixture
def f(s):
    return TokenFactory(s)


def token_id(value):
    return value.split("_")[1]


def seconds_until(s, sql_time):
    return float(s.scalar(f"SELECT extract(epoch FROM ({sql_time}) - now())"))


def exchange(s, app, code):
    return token_request(s, app, grant_type="authorization_code", code=code.value, code_verifier=VERIFIER,
                         redirect_uri="https://app.example/cb")


def test_a_code_exchange_makes_a_grant_that_ends_after_the_configured_lifetime(s, f):
    app = f.app()
    user_id, _ = f.user()
    r = exchange(s, app, f.code(app, user_id))
    assert r.status_code == 200, r.text
    body = r.json()
    grant = s.scalar(f"SELECT grant_id FROM tokens WHERE id = {q(token_id(body['access_token']))}")
    assert s.scalar(f"SELECT expires_at - created_at FROM grants WHERE id = {q(grant)}") == "02:00:00"
    # The refresh token (30 days by default) is cut to the grant's end; the access token fits.
    assert s.scalar(f"SELECT t.expires_at = g.expires_at FROM tokens t JOIN grants g ON g.id = t.grant_id "
                    f"WHERE t.id = {q(token_id(body['refresh_token']))}") == "t"
    assert body["expires_in"] == 3600


def test_rotation_never_extends_past_the_grants_end(s, f):
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    s.psql(f"UPDATE grants SET expires_at = now() + interval '10 minutes' WHERE id = {q(pair.grant_id)}")
    r = refresh(s, app, pair.refresh)
    assert r.status_code == 200, r.text
    body = r.json()
    assert 0 < body["expires_in"] <= 600                        # not the configured hour
    end = f"(SELECT expires_at FROM grants WHERE id = {q(pair.grant_id)})"
    for value in (body["access_token"], body["refresh_token"]):
        assert s.scalar(f"SELECT expires_at <= {end} FROM tokens WHERE id = {q(token_id(value))}") == "t"
    doc = introspect(s, app, body["access_token"]).json()
    assert doc["active"] is True and doc["exp"] <= int(s.scalar(f"SELECT extract(epoch FROM {end})::bigint"))


def test_a_grant_past_its_end_is_dead(s, f):
    app = f.app()
    user_id, _ = f.user()
    pair = f.tokens(app, user_id)
    assert access_works(s, pair.access)
    # Tokens minted before the rule (or by hand) may still say later: the grant's end wins.
    s.psql(f"UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = {q(pair.grant_id)}")
    assert not access_works(s, pair.access)
    assert introspect(s, app, pair.access).json() == {"active": False}
    r = refresh(s, app, pair.refresh)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # Refused as dead, not as a reuse: the grant was not revoked for it.
    assert s.scalar(f"SELECT revoked_at IS NULL FROM grants WHERE id = {q(pair.grant_id)}") == "t"
    assert s.scalar(f"SELECT used_at IS NULL FROM tokens WHERE id = {q(pair.refresh_id)}") == "t"
    # The DBA views see it as every check does (sql/095_views_grant_end.sql).
    assert s.scalar(f"SELECT count(*) FROM dba.active_grants WHERE grant_id = {q(pair.grant_id)}") == "0"
    assert s.scalar(f"SELECT state FROM dba.tokens_by_state WHERE token_id = {q(pair.access_id)}") == "expired"


def test_a_client_credentials_grant_ends_with_its_token(s, f):
    app = f.app(client_credentials=True)
    r = token_request(s, app, grant_type="client_credentials")
    assert r.status_code == 200 and r.json()["expires_in"] == 3600
    row = s.psql(f"SELECT g.expires_at = t.expires_at, g.expires_at - g.created_at FROM tokens t "
                 f"JOIN grants g ON g.id = t.grant_id WHERE t.id = {q(token_id(r.json()['access_token']))}")
    assert row == [["t", "01:00:00"]]


def test_migrated_and_hand_made_grants_get_the_default_end(s, f):
    app = f.app()
    user_id, _ = f.user()
    grant = f.grant(app, user_id)
    assert s.scalar(f"SELECT expires_at - created_at FROM grants WHERE id = {q(grant)}") == "90 days"
    assert s.scalar("SELECT count(*) FROM grants WHERE expires_at IS NULL") == "0"
    assert s.scalar("SELECT col_description('grants'::regclass, "
                    "(SELECT attnum FROM pg_attribute WHERE attrelid = 'grants'::regclass AND attname = 'expires_at'))") \
        .startswith("When the grant ends")



def test_the_migration_backfills_existing_grants_from_when_they_were_made(s, tmp_path):
    """sql/006 on a database that already holds grants: each ends 90 days after it was made."""
    before = tmp_path / "sql"
    before.mkdir()
    for name in sorted(os.listdir(os.path.join(ROOT, "sql"))):
        if name.endswith(".sql") and int(name.split("_")[0]) < 6:
            shutil.copy(os.path.join(ROOT, "sql", name), before / name)
    db = "growth_backfill"
    s.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    s.psql(f"CREATE DATABASE {db}")
    try:
        url = url_for(s, db)
        s.latchctl("migrate", "--database-url", url, "--dir", str(before))
        seed = ("INSERT INTO clients (client_id, name) VALUES ('app-old', 'Old'); "
                "INSERT INTO grants (id, client_id, scope, created_at) VALUES "
                "('g-old', 'app-old', '', '2026-01-01T00:00:00Z'), ('g-new', 'app-old', '', '2026-12-01T00:00:00Z')")
        assert subprocess_psql(s, db, seed)
        applied = s.latchctl_json("migrate", "--database-url", url, "--dir", os.path.join(ROOT, "sql"))["applied"]
        assert "006_bounded_growth" in applied
        rows = subprocess_psql(s, db, "SELECT id, expires_at - created_at, attnotnull FROM grants, pg_attribute "
                                      "WHERE attrelid = 'grants'::regclass AND attname = 'expires_at' ORDER BY id")
        assert rows == "g-new\t90 days\tt\ng-old\t90 days\tt\n"
    finally:
        s.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def subprocess_psql(s, db, sql):
    ok, out, err = psql_as(s, "postgres", db, sql)
    assert ok, err
    return out or True
