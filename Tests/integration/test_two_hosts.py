"""Two hosts, one database: the executables on two network-namespace hosts against one
PostgreSQL; nginx routes authorize to host A and tokens to host B; host A dies and the flow
goes on through host B."""
import os

import pytest
import requests

from authflow import Browser, authorize_params, ensure_scopes, exchange, make_confidential_app, make_user, me, pkce_pair
from twohosts import FrontDoor, TwoHosts

REDIRECT = "https://app.example/cb"


@pytest.fixture(scope="module")
def hosts(make_stack):
    s = make_stack()
    h = TwoHosts(s).up()
    yield h
    h.down()


def served_by(hosts, host, executable, path):
    with open(os.path.join(hosts.dir, f"{host}-{executable}.log")) as f:
        return sum(1 for line in f if f'"path":"{path}"' in line)


def full_flow(door):
    """Sign in, consent, exchange the code, refresh, call the API: every step through nginx."""
    name, password = make_user(door)
    client_id, secret = make_confidential_app(door, [REDIRECT], scope="profile")
    verifier, challenge = pkce_pair()
    browser = Browser(door)
    r = browser.sign_in(name, password)
    assert r.status_code == 303, r.text[:300]
    code = browser.code(authorize_params(client_id, challenge, redirect_uri=REDIRECT, state="s1", scope="profile"))
    r = exchange(door, code, verifier=verifier, client_id=client_id, secret=secret, redirect_uri=REDIRECT)
    assert r.status_code == 200, r.text
    tokens = r.json()
    r = door.post("/oauth2/tokens", auth=(client_id, secret),
                  data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    r = me(door, r.json()["access_token"])
    assert r.status_code == 200 and r.json()["username"] == name


def test_both_hosts_serve_one_database(hosts):
    r = requests.get(hosts.base_url + "/.well-known/oauth-authorization-server", timeout=15)
    assert r.status_code == 200
    assert r.json()["issuer"] == hosts.base_url
    assert served_by(hosts, "A", "latch-discovery", "/.well-known/oauth-authorization-server") >= 1


def test_authorize_on_host_a_tokens_on_host_b(hosts):
    door = FrontDoor(hosts)
    ensure_scopes(door)
    full_flow(door)
    assert served_by(hosts, "A", "latch-authorize", "/oauth2/authorize") >= 2
    assert served_by(hosts, "B", "latch-authorize", "/oauth2/authorize") == 0
    assert served_by(hosts, "B", "latch-tokens", "/oauth2/tokens") >= 2
    assert served_by(hosts, "A", "latch-tokens", "/oauth2/tokens") == 0


def test_flow_goes_on_through_host_b_when_host_a_dies(hosts):
    door = FrontDoor(hosts)
    ensure_scopes(door)
    hosts.a.kill()
    before = served_by(hosts, "B", "latch-authorize", "/oauth2/authorize")
    full_flow(door)
    assert served_by(hosts, "B", "latch-authorize", "/oauth2/authorize") >= before + 2
