"""REMOTE_USER is trusted only with LATCH_TRUST_REMOTE_USER=true AND the FastCGI parameter
LATCH_FRONT_SECRET that nginx sends from a file only it reads (README "Trusting a front
authenticator"): records that name a user without it (written straight to the socket) sign
nobody in; start-up refuses the setting without a secret; and every session check — the
management API's and DELETE /oauth2/tokens' included — lets a trusted REMOTE_USER overrule a
session of someone else."""
import os
import subprocess

import pytest

from authflow import unique
from fastcgiclient import unix_request
from frontauth import front_secret_file, trusting_stack
from latchstack import BIN
from tokenfactory import TokenFactory


@pytest.fixture(scope="module")
def trusting(make_stack):
    return trusting_stack(make_stack)


def login_via_socket(stack, name, **params):
    return unix_request(os.path.join(stack.dir, "run", "latch-authorize.sock"), "GET", "/login?next=/account/apps",
                        REMOTE_USER=name, **params)


def test_forged_remote_user_without_the_front_secret_signs_nobody_in(trusting):
    s = trusting
    name = unique("forged-admin")
    for extra in [{}, {"LATCH_FRONT_SECRET": "0" * 64}, {"LATCH_FRONT_SECRET": s.front_secret[:-1]},
                  {"HTTP_LATCH_FRONT_SECRET": s.front_secret}]:
        r = login_via_socket(s, name, **extra)
        assert r.status == 200 and 'name="password"' in r.text, extra
        assert not any(c.startswith("latch_session=") for c in r.all("set-cookie")), extra
    assert s.scalar(f"SELECT count(*) FROM users WHERE username = '{name}'") == "0"
    # Naming an existing admin straight to the socket is no admin session either.
    admin = unique("admin")
    s.scalar(f"INSERT INTO users (username, is_admin) VALUES ('{admin}', true) RETURNING id")
    r = login_via_socket(s, admin)
    assert r.status == 200 and not any(c.startswith("latch_session=") for c in r.all("set-cookie"))
    assert s.scalar(f"SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = '{admin}'") == "0"
    # What nginx sends, the secret included, is believed.
    r = login_via_socket(s, name, LATCH_FRONT_SECRET=s.front_secret)
    assert r.status == 303 and r.header("location") == "/account/apps"
    assert any(c.startswith("latch_session=") for c in r.all("set-cookie"))


def test_trusting_remote_user_without_a_secret_is_refused_at_start_up(trusting, tmp_path):
    env = dict(os.environ)
    env.update(trusting.env)
    env.pop("LATCH_FRONT_SECRET_FILE", None)
    env["LATCH_TRUST_REMOTE_USER"] = "true"
    cases = [({}, "needs LATCH_FRONT_SECRET_FILE")]
    short = tmp_path / "short"
    short.write_text("tooshort\n")
    cases.append(({"LATCH_FRONT_SECRET_FILE": str(short)}, "32 to 1024"))
    cases.append(({"LATCH_FRONT_SECRET_FILE": str(tmp_path / "missing")}, "cannot be read"))
    for extra, message in cases:
        r = subprocess.run([os.path.join(BIN, "latch-authorize"), "--listen", f"unix:{tmp_path}/x.sock"],
                           env=dict(env, **extra), capture_output=True, text=True, timeout=30)
        assert r.returncode == 78 and message in r.stderr, r.stderr


def test_revoking_by_session_obeys_the_trusted_remote_user(trusting):
    s = trusting
    f = TokenFactory(s)
    app = f.app()
    alice_id, _ = f.user()
    pair = f.tokens(app, alice_id)
    cookie, csrf = f.session(alice_id)
    # The front authenticator says this browser is now someone else: alice's session is not theirs.
    r = s.request("DELETE", f"/oauth2/tokens?client_id={app.client_id}", cookies={"latch_session": cookie},
                  headers={"X-CSRF-Token": csrf, "X-Front-User": unique("mallory")})
    assert r.status_code == 401
    assert f.grant_state(pair.grant_id) == (False, "")


def test_the_management_api_session_obeys_the_trusted_remote_user(trusting):
    s = trusting
    f = TokenFactory(s)
    admin_id = int(s.scalar(f"INSERT INTO users (username, is_admin) VALUES ('{unique('admin')}', true) RETURNING id"))
    cookie, csrf = f.session(admin_id)
    apps = "/api/v2/oauth2-provider/apps"
    assert s.get(apps, cookies={"latch_session": cookie}).status_code == 200
    r = s.get(apps, cookies={"latch_session": cookie}, headers={"X-Front-User": unique("someone-else")})
    assert r.status_code == 401
