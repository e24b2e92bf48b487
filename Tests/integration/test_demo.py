"""deploy/demo as a newcomer uses it: run it (twice: it must be idempotent), open the URL it
prints, sign in with the user and password it prints, Allow, land on /demo/callback, and run
the curl commands it and the callback page give, exactly as shown."""
import html
import os
import re
import subprocess

import pytest

from authflow import Browser, form_fields, query_of, remember
from latchstack import BIN, ROOT


@pytest.fixture(scope="module")
def stack(make_stack):
    """/demo/callback exists only with LATCH_DEMO=true (deploy/stack up sets it; test stacks
    start with --no-demo)."""
    return make_stack({"LATCH_DEMO": "true"})


def run_demo(stack):
    env = dict(os.environ, LATCHCTL=os.path.join(BIN, "latchctl"), STACK_DIR=stack.dir, ISSUER=stack.issuer)
    result = subprocess.run([os.path.join(ROOT, "deploy", "demo")], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    printed = {
        "url": re.search(r"1\. open\s+(\S+)", out).group(1),
        "user": re.search(r"user (\S+)\s+password (\S+)", out).group(1),
        "password": re.search(r"user (\S+)\s+password (\S+)", out).group(2),
        "curl": re.search(r"^\s+(curl -s -u .*/oauth2/tokens)$", out, re.M).group(1),
    }
    remember(stack, printed["password"])
    return printed


def shell(command, cwd=None):
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_demo_from_printed_url_to_tokens(stack):
    first = run_demo(stack)
    second = run_demo(stack)
    assert (second["user"], second["password"]) == (first["user"], first["password"])
    client_id = re.search(r"client_id=([^&]+)", second["url"]).group(1)
    assert client_id == re.search(r"client_id=([^&]+)", first["url"]).group(1)
    assert oct(os.stat(os.path.join(stack.dir, "demo.txt")).st_mode & 0o777) == "0o600"

    browser = Browser(stack)
    r = browser.get(second["url"])
    assert r.status_code == 303
    next_path = query_of(r.headers["Location"])["next"]
    assert browser.sign_in(second["user"], second["password"], next_path=next_path).status_code == 303
    page = browser.get(second["url"])
    assert "latch demo" in page.text
    r = browser.decide(form_fields(page.text, "/oauth2/authorize"), "allow")
    callback = r.headers["Location"]
    assert callback.startswith(stack.issuer + "/demo/callback?code=")
    code = remember(stack, query_of(callback)["code"])

    page = browser.get(callback)
    assert page.status_code == 200
    assert f'<code id="code">{code}</code>' in page.text
    # The two commands the callback page shows, pasted as they are into one shell that loaded demo.env:
    # the exchange prints the tokens, the second calls /api/v2/users/me with the access token.
    command = html.unescape(re.search(r'<pre id="curl">(.*?)</pre>', page.text, re.S).group(1))
    me_command = html.unescape(re.search(r'<pre id="me">(.*?)</pre>', page.text, re.S).group(1))
    assert "$TOKENS" in me_command and "/api/v2/users/me" in me_command
    out = shell(f". {stack.dir}/demo.env\n{command}\n{me_command}")
    tokens, me = out.splitlines()[0], out.splitlines()[1]
    assert '"access_token":"lat_' in tokens
    access = re.search(r'"access_token":"([^"]+)"', tokens).group(1)
    remember(stack, access, re.search(r'"refresh_token":"([^"]+)"', tokens).group(1))
    assert f'"username":"{second["user"]}"' in me
    # Step 3: the demo app is on "Your apps"; revoking it there makes step 2 answer 401.
    apps = browser.get("/account/apps")
    assert f'data-client-id="{client_id}"' in apps.text
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', apps.text).group(1)
    assert browser.post("/account/apps/revoke", data={"client_id": client_id, "csrf_token": csrf}).status_code == 303
    status_command = me_command.replace("curl -s ", "curl -s -o /dev/null -w %{http_code} ")
    status = shell(f"TOKENS='{tokens}'\n{status_command}")
    assert status.strip() == "401"


def test_demo_printed_curl_exchanges_a_code(stack):
    printed = run_demo(stack)
    browser = Browser(stack)
    browser.sign_in(printed["user"], printed["password"])
    page = browser.get(printed["url"])
    r = browser.decide(form_fields(page.text, "/oauth2/authorize"), "allow")
    code = remember(stack, query_of(r.headers["Location"])["code"])
    out = shell(printed["curl"].replace("code=CODE", "code=" + code))
    assert '"token_type":"Bearer"' in out
    remember(stack, re.search(r'"access_token":"([^"]+)"', out).group(1), re.search(r'"refresh_token":"([^"]+)"', out).group(1))


def test_demo_callback_shows_values_as_text_and_offers_no_command_for_a_foreign_code(stack):
    r = stack.get("/demo/callback?code=$(touch%20/tmp/pwned)%3Cb%3E&state=%3Cscript%3Ex%3C/script%3E")
    assert r.status_code == 400
    assert "<b>" not in r.text and "curl" not in r.text
    assert "$(touch /tmp/pwned)&lt;b&gt;" in r.text
    r = stack.get("/demo/callback?error=access_denied&error_description=%3Ci%3Eno%3C/i%3E&state=%3Cs%3E")
    assert r.status_code == 200
    assert "&lt;i&gt;no&lt;/i&gt;" in r.text and "&lt;s&gt;" in r.text
    assert r.headers["X-Frame-Options"] == "DENY"
