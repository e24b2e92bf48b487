"""Two hosts, one database: the executables on two network-namespace hosts against one
PostgreSQL; nginx routes authorize to host A and tokens to host B; host A dies and the flow
goes on through host B."""
import os

import pytest
import requests

from twohosts import TwoHosts


@pytest.fixture(scope="module")
def hosts(make_stack):
    s = make_stack()
    h = TwoHosts(s).up()
    yield h
    h.down()


def get(h, path):
    return requests.get(h.base_url + path, timeout=15, allow_redirects=False)


def test_both_hosts_serve_one_database(hosts):
    r = get(hosts, "/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    assert r.json()["issuer"] == hosts.base_url
    a_log = open(os.path.join(hosts.dir, "A-latch-discovery.log")).read()
    assert '"status":200' in a_log
