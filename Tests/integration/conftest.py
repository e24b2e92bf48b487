import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from latchstack import Stack  # noqa: E402

ARTIFACTS = os.environ.get("LATCH_ARTIFACTS", os.path.join(os.path.dirname(__file__), "..", "..", "artifacts"))


@pytest.fixture(scope="module")
def docs():
    """A local HTTPS server for client metadata documents and JWK Sets (docserver.py), one per
    test module: it counts what latch fetched from it."""
    from docserver import DocumentServer
    server = DocumentServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def stack():
    """The shared stack, with default configuration except the registration rate limit
    (default 20 a minute per address: the suite's modules together register more than that
    within a minute from 127.0.0.1, and the limit is tested on stacks of its own,
    test_registration.py and test_boundary_web.py). Tests must not assume an empty
    database: create your own users, apps and scopes with unique names."""
    s = Stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"}).up()
    yield s
    s.down()


@pytest.fixture(scope="session")
def make_stack():
    """Starts an extra stack with its own database and environment, e.g.
    make_stack({"LATCH_REGISTRATION": "off"}); all are stopped at the end."""
    started = []

    def make(extra_env=None, workers=2):
        s = Stack(extra_env, workers=workers).up()
        started.append(s)
        return s

    yield make
    for s in started:
        s.down()


@pytest.fixture(scope="session")
def artifacts():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.abspath(ARTIFACTS)
