"""Signing keys in PostgreSQL, encrypted (README "OpenID Connect", SECURITY.md "Keys at rest"):
the first keys come with `latchctl migrate`; `latchctl keys list|rotate`; the purge rotates every
LATCH_KEY_ROTATION_DAYS and deletes unpublished keys; the private keys are AES-256-GCM
ciphertext under the stack's key-encryption key (opened here with PyPI's `cryptography` to
prove it), and no column of any table holds private key material; latch_app cannot change a
key's material."""
import base64
import json
import os
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import load_der_private_key

from latchstack import BIN
from test_growth_least_privilege import migrated  # noqa: F401  (a database migrated by latch_owner)
from test_operability import psql_as, url_for
from test_storage_scan import scan


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64url(number, length=None):
    length = length or (number.bit_length() + 7) // 8
    return b64url(number.to_bytes(length, "big"))


def kek(stack):
    with open(stack.env["LATCH_KEY_ENCRYPTION_KEY_FILE"], "rb") as f:
        return f.read()


def stored_keys(stack):
    rows = stack.psql("SELECT kid, alg, public_jwk::text, encode(private_key_sealed, 'hex') FROM signing_keys ORDER BY alg, signs_from")
    return [(kid, alg, json.loads(jwk), bytes.fromhex(sealed)) for kid, alg, jwk, sealed in rows]


def open_sealed(stack, kid, sealed):
    """The DER private key, opened as latch does: AES-256-GCM, nonce || ciphertext || tag, kid as AAD."""
    return AESGCM(kek(stack)).decrypt(sealed[:12], sealed[12:], kid.encode())


def private_members(key):
    """The private values of a key as base64url (what a JWK's `d`, `p`, `q`, … would hold)."""
    if isinstance(key, rsa.RSAPrivateKey):
        n = key.private_numbers()
        return [int_b64url(v) for v in (n.d, n.p, n.q, n.dmp1, n.dmq1, n.iqmp)]
    return [int_b64url(key.private_numbers().private_value, 32)]


def test_stack_key_file_is_32_bytes_mode_0600(stack):
    path = stack.env["LATCH_KEY_ENCRYPTION_KEY_FILE"]
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert len(kek(stack)) == 32


def test_migrate_made_one_current_key_per_algorithm(stack):
    keys = stack.latchctl_json("keys", "list")
    current = {k["alg"]: k for k in keys if k["state"] == "current"}
    assert set(current) == {"RS256", "ES256"}
    for key in current.values():
        assert len(key["kid"]) == 43 and key["retired_at"] is None


def test_sealed_keys_open_with_the_key_file_and_match_the_public_jwk(stack):
    for kid, alg, jwk, sealed in stored_keys(stack):
        key = load_der_private_key(open_sealed(stack, kid, sealed), password=None)
        public = key.public_key().public_numbers()
        if alg == "RS256":
            assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
            assert jwk["kty"] == "RSA" and jwk["n"] == int_b64url(public.n) and jwk["e"] == int_b64url(public.e)
        else:
            assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
            assert jwk["crv"] == "P-256" and jwk["x"] == int_b64url(public.x, 32) and jwk["y"] == int_b64url(public.y, 32)
        # Another kid as associated data does not open it: a row's ciphertext cannot be moved.
        with pytest.raises(Exception):
            AESGCM(kek(stack)).decrypt(sealed[:12], sealed[12:], b"another-kid")


def test_rotate_publishes_next_keys_and_schedules_retirement(stack):
    before = {k["alg"]: k for k in stack.latchctl_json("keys", "list") if k["state"] == "current"}
    made = stack.latchctl_json("keys", "rotate")
    assert {m["alg"] for m in made} == {"RS256", "ES256"}
    keys = {k["kid"]: k for k in stack.latchctl_json("keys", "list")}
    for m in made:
        new, old = keys[m["kid"]], keys[m["replaces"]]
        assert m["replaces"] == before[m["alg"]]["kid"]
        assert new["state"] == "next"
        # Publish delay (default 1 hour) before it signs.
        assert 3590 <= new["signs_from"] - new["publish_at"] <= 3610
        # The old key still signs until then, retires at that moment, and stays published for
        # the longest signed-token lifetime (access token lifetime, default 3600) plus a minute.
        assert old["state"] == "current" and old["retired_at"] == new["signs_from"]
        assert old["unpublish_at"] == old["retired_at"] + 3600 + 60
    # A second rotate leaves the waiting next keys alone.
    assert stack.latchctl_json("keys", "rotate") == []
    rows = stack.psql("SELECT count(*) FROM audit_events WHERE event = 'admin.keys_rotated'")
    assert int(rows[0][0]) >= 2


def test_no_column_holds_private_key_material(stack):
    contents = scan(stack)
    assert any(table == "signing_keys" for table, _, _ in contents)
    everything = "\n".join(contents.values())
    assert "BEGIN" not in everything and "PRIVATE KEY" not in everything
    keys = stored_keys(stack)
    assert len(keys) >= 2
    for kid, _, jwk, sealed in keys:
        assert "d" not in jwk
        der = open_sealed(stack, kid, sealed)
        private = load_der_private_key(der, password=None)
        for (table, column, _), text in contents.items():
            assert der.hex() not in text, (table, column)
            assert base64.b64encode(der).decode()[:64] not in text, (table, column)
            for member in private_members(private):
                assert member not in text, (table, column)
                assert base64.b64decode(member + "==", altchars=b"-_").hex() not in text, (table, column)


def test_purge_rotates_when_due_and_deletes_unpublished_keys(make_stack):
    s = make_stack({"LATCH_KEY_ROTATION_DAYS": "1"})
    # Nothing due right after migrate.
    s.latchctl("purge")
    assert len(s.latchctl_json("keys", "list")) == 2
    # The current keys have signed for two days: the purge makes their successors.
    s.psql("UPDATE signing_keys SET publish_at = publish_at - interval '2 days', signs_from = signs_from - interval '2 days'")
    out = s.latchctl("purge").stdout
    assert out.count("rotated:") == 2
    keys = s.latchctl_json("keys", "list")
    assert sorted(k["state"] for k in keys) == ["current", "current", "next", "next"]
    # A retired key past its unpublish_at goes.
    s.psql("UPDATE signing_keys SET retired_at = now() - interval '2 hours', unpublish_at = now() - interval '1 second' WHERE retired_at IS NOT NULL")
    purged = s.latchctl_json("purge")
    assert purged["signing_keys"]["deleted"] == 2
    assert sorted(k["state"] for k in s.latchctl_json("keys", "list")) == ["next", "next"]


def test_without_the_key_file_latchctl_says_what_is_missing(make_stack):
    s = make_stack({"LATCH_KEY_ENCRYPTION_KEY_FILE": ""})
    assert s.latchctl_json("keys", "list") == []
    r = s.latchctl("keys", "rotate", check=False)
    assert r.returncode != 0 and "LATCH_KEY_ENCRYPTION_KEY_FILE is not set" in r.stderr
    # A file that is not 32 bytes is refused by name.
    bad = os.path.join(s.dir, "short.key")
    with open(bad, "wb") as f:
        f.write(b"too short")
    env_bad = dict(s.env, LATCH_KEY_ENCRYPTION_KEY_FILE=bad)
    r = subprocess.run([os.path.join(BIN, "latchctl"), "keys", "list"], env=dict(os.environ, **env_bad),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "LATCH_KEY_ENCRYPTION_KEY_FILE" in r.stderr and "32 random bytes" in r.stderr


KEY_FORBIDDEN = [
    "UPDATE signing_keys SET private_key_sealed = '\\x00'",
    "UPDATE signing_keys SET public_jwk = '{}'",
    "UPDATE signing_keys SET signs_from = now() - interval '1 day'",
    "UPDATE signing_keys SET kid = 'x'",
    "TRUNCATE signing_keys",
]


@pytest.mark.parametrize("sql", KEY_FORBIDDEN)
def test_latch_app_cannot_change_key_material(stack, migrated, sql):  # noqa: F811
    ok, _, err = psql_as(stack, "latch_app", migrated, sql)
    assert not ok and ("permission denied" in err or "must be owner" in err), (sql, err)


NARROW = [
    # (table, column or None for the whole table, privilege, latch_app holds it)
    ("signing_keys", "private_key_sealed", "UPDATE", False),
    ("signing_keys", "public_jwk", "UPDATE", False),
    ("signing_keys", "kid", "UPDATE", False),
    ("signing_keys", "signs_from", "UPDATE", False),
    ("signing_keys", "retired_at", "UPDATE", True),
    ("signing_keys", "unpublish_at", "UPDATE", True),
    ("signing_keys", None, "TRUNCATE", False),
    ("client_assertion_jtis", "jti", "UPDATE", False),
    ("client_assertion_jtis", "expires_at", "UPDATE", False),
    ("client_key_sets", "url", "UPDATE", False),
    ("client_key_sets", "jwks", "UPDATE", True),
]


def privileges(stack, db):
    checks = ", ".join(
        f"has_column_privilege('latch_app', '{t}', '{c}', '{p}')" if c else f"has_table_privilege('latch_app', '{t}', '{p}')"
        for t, c, p, _ in NARROW)
    ok, out, err = psql_as(stack, "latch_owner", db, f"SELECT {checks}")
    assert ok, err
    return [v == "t" for v in out.strip().split("\t")]


def test_the_key_tables_are_narrow_on_a_fresh_database_and_stay_so(stack, migrated):  # noqa: F811
    """Migration 096: latch_apply_grants() (094) ran after 020/022/023 and granted every right;
    now it knows these tables, also when it runs again."""
    assert privileges(stack, migrated) == [held for *_, held in NARROW]
    ok, _, err = psql_as(stack, "latch_owner", migrated, "CALL latch_apply_grants();")
    assert ok, err
    assert privileges(stack, migrated) == [held for *_, held in NARROW]


def test_latch_app_deletes_only_unpublished_keys(stack, migrated):  # noqa: F811
    ok, _, err = psql_as(stack, "latch_app", migrated, "DELETE FROM signing_keys")
    assert not ok and "permission denied" in err, err
    ok, out, _ = psql_as(stack, "latch_app", migrated, "SELECT count(*) FROM signing_keys WHERE unpublish_at IS NULL")
    assert int(out.strip()) >= 2
    # A key past its unpublish_at (a copy under another kid, made by the owner) goes.
    ok, _, err = psql_as(stack, "latch_owner", migrated, """
        INSERT INTO signing_keys (kid, alg, public_jwk, private_key_sealed, publish_at, signs_from, retired_at, unpublish_at)
        SELECT 'gone_' || substr(kid, 6), alg, public_jwk, private_key_sealed, now() - interval '3 days',
               now() - interval '3 days', now() - interval '2 days', now() - interval '1 day'
        FROM signing_keys LIMIT 1""")
    assert ok, err
    ok, out, err = psql_as(stack, "latch_app", migrated, "DELETE FROM signing_keys WHERE kid LIKE 'gone%' RETURNING kid")
    assert ok and out.strip().startswith("gone_"), err


def test_latch_app_reads_keys_and_the_purge_rotates_as_latch_app(stack, migrated):  # noqa: F811
    ok, out, err = psql_as(stack, "latch_app", migrated, "SELECT count(*) FROM signing_keys")
    assert ok and out.strip() == "2", err
    ok, _, err = psql_as(stack, "latch_owner", migrated,
                         "UPDATE signing_keys SET publish_at = publish_at - interval '40 days', signs_from = signs_from - interval '40 days'")
    assert ok, err
    out = stack.latchctl("purge", "--database-url", url_for(stack, migrated, "latch_app")).stdout
    assert out.count("rotated:") == 2
