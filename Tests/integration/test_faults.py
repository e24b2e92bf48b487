"""Faults under load (issue 6), on a stack of its own with 3 workers per executable, all on
loopback and bounded in time:

- SIGKILL a random worker of each executable every second during a 30 s mixed load: every
  successful token response has exactly its rows in the database, no grant is issued twice,
  nginx answers 502 at most once per kill (the killed worker's request in flight), and every
  killed worker is replaced;
- PostgreSQL stopped for 5 s under load: only 503 `temporarily_unavailable` while it is down,
  service as soon as it is back (every request started after it is back succeeds), no worker
  restarted;
- `nginx -s reload`, several times under load: no failed request.

The counts are printed (run with -s) and written to artifacts/faults.json.

A request in flight in a worker that dies after its COMMIT has made rows but got no answer
(an "orphan"): the checks go from responses to rows (every 200 has its rows), and count
orphans the other way (rows without a response), which can only come from failed requests.
"""
import base64
import hashlib
import json
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests

from latchstack import EXECUTABLES, PG_BIN
from tokenfactory import ACCESS, CODE, REFRESH, TokenFactory, mint, q

THREADS = 6
CHAINS_PER_THREAD = 10
WORKERS = 3
FAULTS = {}   # what goes to artifacts/faults.json


# -- the database, through psql's stdin (statements here are far larger than one argv) ------


def sql(stack, text):
    out = subprocess.run(
        [os.path.join(PG_BIN, "psql"), "-h", os.path.join(stack.dir, "pgsock"), "-p", str(stack.pg_port),
         "-U", "postgres", "-d", "latch", "-AtqX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-f", "-"],
        input=text, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line.split("\t") for line in out.stdout.splitlines() if line != ""]


def values(rows):
    """A VALUES list of SQL literals (the values are made by this test)."""
    return ", ".join("(" + ", ".join(q(v) for v in row) + ")" for row in rows)


def split(token):
    """(lookup id, hex SHA-256 of the secret part) of a latch credential."""
    return token[4:20], hashlib.sha256(token[21:].encode()).hexdigest()


# -- the load ----------------------------------------------------------------------------


@dataclass
class Result:
    op: str
    started: float
    finished: float
    status: int            # 0: no HTTP answer at all
    error: str = None      # the OAuth `error` of a JSON error answer
    body: bytes = b""
    cached: bool = False   # answered by nginx's copy of a discovery document, not by latch


@dataclass
class Chain:
    """One grant with its current refresh token, rotated by one thread only."""
    grant_id: str
    refresh: str
    rotations: int = 0          # answered with 200
    uncertain: bool = False     # the last rotation failed without an answer we can trust
    orphaned: int = 0           # rotations that happened without a 200 (0 or 1)
    retired: bool = False       # no longer used (its refresh token was rotated by an orphan)


@dataclass
class World:
    base_url: str
    cc_app: object          # client_credentials load
    chain_app: object       # refresh rotations; also resolves uncertain chains
    rs_app: object          # a resource server: introspects
    static_access: str      # a live user access token for checks and introspection
    chains: list
    codes: list = field(default_factory=list)   # unredeemed codes for exchange_authorization_code


class Load:
    """THREADS threads running weighted operations until stopped; every request is a new
    connection (a client's keep-alive connection closing under it is not a server fault)."""

    def __init__(self, world, operations):
        self.world = world
        self.operations = operations
        self.results = []
        self.issued_cc = []         # (access id, hash) of every client_credentials 200
        self.rotations = []         # (grant, old refresh id, access id, access hash, refresh id, refresh hash)
        self.exchanges = []         # (code id, access id, access hash, refresh id, refresh hash)
        self.unexpected = []        # answers that no fault explains
        self.stopping = threading.Event()
        self.threads = []
        self.lock = threading.Lock()

    def start(self):
        per_thread = [self.world.chains[i::THREADS] for i in range(THREADS)]
        for chains in per_thread:
            t = threading.Thread(target=self._run, args=(chains,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in self.threads), "a load thread hung"

    def _run(self, chains):
        rng = random.Random()
        ops = [op for op, weight in self.operations for _ in range(weight)]
        while not self.stopping.is_set():
            rng.choice(ops)(self, chains, rng)

    # -- HTTP ------------------------------------------------------------------------------
    def request(self, op, method, path, **kw):
        kw.setdefault("timeout", 20)
        kw.setdefault("allow_redirects", False)
        kw.setdefault("headers", {})["Connection"] = "close"
        started = time.monotonic()
        try:
            r = requests.request(method, self.world.base_url + path, **kw)
            status, body = r.status_code, r.content
            cached = r.headers.get("X-Latch-Cache") in ("HIT", "STALE", "UPDATING")
        except requests.RequestException as failure:
            status, body, cached = 0, repr(failure).encode(), False
        error = None
        if status >= 400:
            try:
                error = json.loads(body).get("error")
            except ValueError:
                error = "(not JSON)"
        result = Result(op, started, time.monotonic(), status, error, body, cached)
        with self.lock:
            self.results.append(result)
        return result

    def expect(self, result, *statuses):
        """Statuses an operation may get without any fault; anything else is 'unexpected'
        unless a fault explains it (502 after a kill, 503 while the database is down)."""
        if result.status not in statuses and result.status not in (502, 503):
            with self.lock:
                self.unexpected.append(result)


# -- operations (name, weight) --------------------------------------------------------------


def client_credentials_grant(load, chains, rng):
    app = load.world.cc_app
    r = load.request("client_credentials", "POST", "/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=app.auth)
    load.expect(r, 200)
    if r.status == 200:
        doc = json.loads(r.body)
        assert "refresh_token" not in doc
        with load.lock:
            load.issued_cc.append(split(doc["access_token"]))


def refresh_rotation(load, chains, rng):
    usable = [c for c in chains if not c.retired]
    if not usable:
        return client_credentials_grant(load, chains, rng)
    chain = rng.choice(usable)
    if chain.uncertain:
        return resolve_uncertain_chain(load, chain)
    app = load.world.chain_app
    r = load.request("refresh_token", "POST", "/oauth2/tokens",
                     data={"grant_type": "refresh_token", "refresh_token": chain.refresh}, auth=app.auth)
    load.expect(r, 200)
    if r.status == 200:
        doc = json.loads(r.body)
        old_id, _ = split(chain.refresh)
        access_id, access_hash = split(doc["access_token"])
        refresh_id, refresh_hash = split(doc["refresh_token"])
        with load.lock:
            load.rotations.append((chain.grant_id, old_id, access_id, access_hash, refresh_id, refresh_hash))
        chain.refresh = doc["refresh_token"]
        chain.rotations += 1
    elif r.status in (0, 502, 503):
        chain.uncertain = True   # it may have rotated before the answer was lost
    else:
        chain.retired = True     # an unexpected refusal (already recorded): stop using it


def resolve_uncertain_chain(load, chain):
    """Asks (without spending it) whether the refresh token is still live: then the failed
    rotation did not happen. If not, it happened without an answer: an orphan."""
    app = load.world.chain_app
    r = load.request("introspect_own", "POST", "/oauth2/introspect", data={"token": chain.refresh}, auth=app.auth)
    load.expect(r, 200)
    if r.status == 200:
        chain.uncertain = False
        if json.loads(r.body).get("active") is not True:
            chain.orphaned += 1
            chain.retired = True


def introspection(load, chains, rng):
    r = load.request("introspect", "POST", "/oauth2/introspect", data={"token": load.world.static_access}, auth=load.world.rs_app.auth)
    load.expect(r, 200)
    if r.status == 200 and json.loads(r.body).get("active") is not True:
        with load.lock:
            load.unexpected.append(r)


def bearer_check(load, chains, rng):
    r = load.request("check", "GET", "/oauth2/check", headers={"Authorization": f"Bearer {load.world.static_access}"})
    load.expect(r, 204)


def discovery(load, chains, rng):
    path = rng.choice(["/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource"])
    r = load.request("discovery", "GET", path)
    load.expect(r, 200)


PKCE_VERIFIER = "dBjftJeZ4CVP-mJ92IiwG_xsT0c8tX8ao9uJcR7_lT0"   # RFC 7636 Appendix B; TokenFactory.code's challenge


CODES = 3000   # more than the mix can redeem in a run; when they run out, the thread falls back to client_credentials


def exchange_authorization_code(load, chains, rng):
    """The authorization_code exchange with PKCE; `verify_code_exchanges` checks every 200
    against the database."""
    with load.lock:
        code = load.world.codes.pop() if load.world.codes else None
    if code is None:
        return client_credentials_grant(load, chains, rng)
    app = load.world.chain_app
    r = load.request("authorization_code", "POST", "/oauth2/tokens", auth=app.auth, data={
        "grant_type": "authorization_code", "code": code, "code_verifier": PKCE_VERIFIER,
        "redirect_uri": "https://app.example/cb"})
    load.expect(r, 200)
    if r.status == 200:
        doc = json.loads(r.body)
        with load.lock:
            load.exchanges.append((split(code)[0],) + split(doc["access_token"]) + split(doc["refresh_token"]))


MIXED_LOAD = [
    (client_credentials_grant, 3),
    (refresh_rotation, 3),
    (introspection, 1),
    (bearer_check, 2),
    (discovery, 1),
    (exchange_authorization_code, 2),
]


# -- setting up ------------------------------------------------------------------------------


def make_chains(stack, app, user_id, count):
    """`count` grants, each with a live access + refresh pair, in one statement."""
    chains, statements = [], []
    for _ in range(count):
        grant_id = "g_" + os.urandom(12).hex()
        access, refresh = mint(ACCESS), mint(REFRESH)
        statements.append(
            f"INSERT INTO grants (id, client_id, user_id, scope, last_used_at) VALUES ({q(grant_id)}, {q(app.client_id)}, {user_id}, '', now());\n"
            f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, expires_at) VALUES "
            f"({q(refresh.id)}, 'refresh', {refresh.hash_sql}, {q(grant_id)}, {q(app.client_id)}, {user_id}, '', now() + interval '1 day');\n"
            f"INSERT INTO tokens (id, kind, secret_hash, grant_id, client_id, user_id, scope, refresh_token_id, expires_at) VALUES "
            f"({q(access.id)}, 'access', {access.hash_sql}, {q(grant_id)}, {q(app.client_id)}, {user_id}, '', {q(refresh.id)}, now() + interval '1 hour');")
        chains.append(Chain(grant_id, refresh.value))
    sql(stack, "\n".join(statements))
    return chains


def mint_codes(stack, app, user_id, count):
    """Unredeemed authorization codes (as consent stores them), for exchange_authorization_code."""
    codes, statements = [], []
    challenge = base64.urlsafe_b64encode(hashlib.sha256(PKCE_VERIFIER.encode()).digest()).rstrip(b"=").decode()
    for _ in range(count):
        code = mint(CODE)
        statements.append(
            f"INSERT INTO authorization_codes (id, secret_hash, client_id, user_id, redirect_uri, redirect_uri_given, code_challenge, "
            f"scope, expires_at) VALUES ({q(code.id)}, {code.hash_sql}, {q(app.client_id)}, {user_id}, 'https://app.example/cb', true, "
            f"{q(challenge)}, '', now() + interval '10 minutes');")
        codes.append(code.value)
    sql(stack, "\n".join(statements))
    return codes


@pytest.fixture(scope="module")
def fault_stack(make_stack):
    return make_stack(workers=WORKERS)


def make_world(stack):
    factory = TokenFactory(stack)
    cc_app = factory.app(client_credentials=True)
    chain_app = factory.app()
    rs_app = factory.app()
    user_id, _ = factory.user()
    static = factory.tokens(factory.app(), user_id)
    chains = make_chains(stack, chain_app, user_id, THREADS * CHAINS_PER_THREAD)
    codes = mint_codes(stack, chain_app, user_id, CODES)
    return World(stack.base_url, cc_app, chain_app, rs_app, static.access, chains, codes)


# -- verification against the database ----------------------------------------------------


def verify_client_credentials(stack, load, cc_grants_before):
    """Every client_credentials 200: its access token exists once, with that secret's hash,
    for the client, live, in a grant of its own holding nothing else. Grants without a 200
    (orphans) can only come from requests that failed."""
    issued = load.issued_cc
    ok = len(issued)
    assert len(set(i for i, _ in issued)) == ok, "an access token was handed out twice"
    app = load.world.cc_app.client_id
    if issued:
        row = sql(stack, f"""
            WITH seen(id, hash) AS (VALUES {values(issued)})
            SELECT count(*), count(t.id),
                   count(*) FILTER (WHERE t.kind = 'access' AND t.secret_hash = decode(seen.hash, 'hex') AND t.client_id = {q(app)}
                                      AND t.user_id IS NULL AND t.revoked_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL
                                      AND g.client_id = {q(app)} AND g.user_id IS NULL),
                   count(DISTINCT t.grant_id),
                   (SELECT count(*) FROM tokens x WHERE x.grant_id IN (SELECT t2.grant_id FROM tokens t2 JOIN seen s2 ON s2.id = t2.id))
            FROM seen LEFT JOIN tokens t ON t.id = seen.id LEFT JOIN grants g ON g.id = t.grant_id""")[0]
        responses, found, live, grants, tokens_in_grants = map(int, row)
        assert found == ok, f"{ok - found} client_credentials 200s have no token row"
        assert live == ok, f"{ok - live} client_credentials tokens are not live or not as issued"
        assert grants == ok, "two 200s share a grant"
        assert tokens_in_grants == ok, "a client_credentials grant holds more than its one token"
    grants_now = int(sql(stack, f"SELECT count(*) FROM grants WHERE client_id = {q(app)}")[0][0])
    orphans = grants_now - cc_grants_before - ok
    failed = sum(1 for r in load.results if r.op == "client_credentials" and r.status != 200)
    assert 0 <= orphans <= failed, (orphans, failed)
    return {"client_credentials_200": ok, "client_credentials_orphans": orphans}


def verify_rotations(stack, load):
    """Every refresh 200: the new pair exists with the hashes handed out, in the chain's grant,
    the access token bound to the new refresh token, the presented one marked used. Per grant:
    exactly 1 + 200s + orphans refresh tokens, exactly one of them live, and the live pair is
    the last one handed out (unless an orphan rotation took over). No grant was revoked: no
    refresh token was ever presented twice."""
    ok = len(load.rotations)
    if load.rotations:
        row = sql(stack, f"""
            WITH r(grant_id, old_id, a_id, a_hash, r_id, r_hash) AS (VALUES {values(load.rotations)})
            SELECT count(*),
                   count(*) FILTER (WHERE a.kind = 'access' AND a.secret_hash = decode(r.a_hash, 'hex') AND a.grant_id = r.grant_id
                                      AND a.refresh_token_id = r.r_id
                                      AND n.kind = 'refresh' AND n.secret_hash = decode(r.r_hash, 'hex') AND n.grant_id = r.grant_id
                                      AND o.grant_id = r.grant_id AND o.used_at IS NOT NULL)
            FROM r LEFT JOIN tokens a ON a.id = r.a_id LEFT JOIN tokens n ON n.id = r.r_id LEFT JOIN tokens o ON o.id = r.old_id""")[0]
        assert int(row[1]) == ok, f"{ok - int(row[1])} refresh 200s do not match their rows"
    chains = load.world.chains
    rows = sql(stack, f"""
        SELECT t.grant_id, count(*) FILTER (WHERE t.kind = 'refresh'),
               count(*) FILTER (WHERE t.kind = 'refresh' AND t.used_at IS NULL AND t.revoked_at IS NULL),
               count(*) FILTER (WHERE t.kind = 'access' AND t.revoked_at IS NULL),
               max(t.id) FILTER (WHERE t.kind = 'refresh' AND t.used_at IS NULL AND t.revoked_at IS NULL),
               bool_or(g.revoked_at IS NOT NULL)
        FROM tokens t JOIN grants g ON g.id = t.grant_id
        WHERE t.grant_id IN (SELECT column1 FROM (VALUES {values([(c.grant_id,) for c in chains])}) AS v)
        GROUP BY t.grant_id""")
    by_grant = {r[0]: r for r in rows}
    orphans = 0
    for chain in chains:
        grant, refresh_tokens, live_refresh, live_access, live_id, revoked = by_grant[chain.grant_id]
        assert revoked == "f", f"grant {chain.grant_id} was revoked: a refresh token was presented twice"
        assert (int(live_refresh), int(live_access)) == (1, 1), f"grant {chain.grant_id}: live refresh/access {live_refresh}/{live_access}"
        assert int(refresh_tokens) == 1 + chain.rotations + chain.orphaned, (chain, refresh_tokens)
        if not chain.orphaned:
            assert live_id == split(chain.refresh)[0], f"grant {chain.grant_id}: the live refresh token is not the last one handed out"
        orphans += chain.orphaned
    return {"refresh_200": ok, "refresh_orphans": orphans, "grants_checked": len(chains)}


def verify_code_exchanges(stack, load):
    """Every authorization_code 200: its code is redeemed into one grant holding the pair."""
    if not load.exchanges:
        return {"authorization_code_200": 0}
    row = sql(stack, f"""
        WITH x(code_id, a_id, a_hash, r_id, r_hash) AS (VALUES {values(load.exchanges)})
        SELECT count(*), count(*) FILTER (WHERE c.redeemed_at IS NOT NULL AND a.grant_id = c.grant_id AND n.grant_id = c.grant_id
                                             AND a.secret_hash = decode(x.a_hash, 'hex') AND n.secret_hash = decode(x.r_hash, 'hex')),
               count(DISTINCT c.grant_id)
        FROM x LEFT JOIN authorization_codes c ON c.id = x.code_id LEFT JOIN tokens a ON a.id = x.a_id LEFT JOIN tokens n ON n.id = x.r_id""")[0]
    assert int(row[1]) == len(load.exchanges) == int(row[2]), row
    return {"authorization_code_200": len(load.exchanges)}


def resolve_remaining(load):
    """After the load, settle every chain whose last rotation failed without an answer."""
    for chain in load.world.chains:
        if chain.uncertain and not chain.retired:
            resolve_uncertain_chain(load, chain)
            assert not chain.uncertain, "could not settle a chain after the fault"


def counts(load):
    statuses = Counter(r.status for r in load.results)
    return {
        "requests": len(load.results),
        "2xx": sum(n for s, n in statuses.items() if 200 <= s < 300),
        "200": statuses.get(200, 0), "204": statuses.get(204, 0),
        "502": statuses.get(502, 0), "503": statuses.get(503, 0), "500": statuses.get(500, 0),
        "no_answer": statuses.get(0, 0),
        "by_status": {str(s): n for s, n in sorted(statuses.items())},
        "by_operation": dict(Counter(r.op for r in load.results)),
    }


def report(name, data, artifacts):
    FAULTS[name] = data
    print(f"\n{name}: " + json.dumps(data, sort_keys=True))
    with open(os.path.join(artifacts, "faults.json"), "w") as f:
        json.dump(FAULTS, f, indent=2, sort_keys=True)


def describe(results, limit=10):
    return "\n".join(f"{r.op} {r.status} {r.error} {r.body[:160]!r}" for r in results[:limit])


# -- the faults -------------------------------------------------------------------------------


def worker_pids(stack, executable):
    """The supervisor's children, read from /proc (pgrep is too slow on a busy machine to
    kill on every tick)."""
    supervisor = stack.supervisor_pid(executable)
    try:
        with open(f"/proc/{supervisor}/task/{supervisor}/children") as f:
            return sorted(int(p) for p in f.read().split())
    except FileNotFoundError:
        return stack.worker_pids(executable)



def test_killing_workers_loses_and_duplicates_no_grant(fault_stack, artifacts):
    stack = fault_stack
    world = make_world(stack)
    cc_before = int(sql(stack, f"SELECT count(*) FROM grants WHERE client_id = {q(world.cc_app.client_id)}")[0][0])
    killed = {exe: [] for exe in EXECUTABLES}
    load = Load(world, MIXED_LOAD).start()
    rng = random.Random()
    started = time.monotonic()
    for second in range(1, 31):
        time.sleep(max(0.0, started + second - time.monotonic()))
        for exe in EXECUTABLES:
            pids = worker_pids(stack, exe)
            if pids:
                pid = rng.choice(pids)
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed[exe].append(pid)
                except ProcessLookupError:
                    pass
    load.stop()
    resolve_remaining(load)

    # Every killed worker was replaced: three live workers each, none of them a killed one.
    all_killed = {pid for pids in killed.values() for pid in pids}
    assert stack.wait_until(lambda: all(len(stack.worker_pids(e)) == WORKERS for e in EXECUTABLES), timeout=15), \
        {e: stack.worker_pids(e) for e in EXECUTABLES}
    for exe in EXECUTABLES:
        assert not set(stack.worker_pids(exe)) & all_killed

    c = counts(load)
    serving_kills = len(killed["latch-tokens"]) + len(killed["latch-discovery"])
    assert not load.unexpected, describe(load.unexpected)
    assert set(c["by_status"]) <= {"200", "204", "502"}, c["by_status"]
    # nginx answers 502 for the request in flight in a killed worker: at most one per kill,
    # JSON, and never with a token.
    assert c["502"] <= serving_kills, (c["502"], serving_kills)
    for r in load.results:
        if r.status == 502:
            assert r.error == "temporarily_unavailable" and b"access_token" not in r.body, r.body
    assert c["200"] > 300, c   # the load really ran alongside the kills

    data = {**c, "kills": {e: len(p) for e, p in killed.items()}}
    data.update(verify_client_credentials(stack, load, cc_before))
    data.update(verify_rotations(stack, load))
    data.update(verify_code_exchanges(stack, load))
    report("sigkill_workers", data, artifacts)


def test_postgres_down_for_5s_answers_503_then_recovers_without_restarts(fault_stack, artifacts):
    stack = fault_stack
    world = make_world(stack)
    cc_before = int(sql(stack, f"SELECT count(*) FROM grants WHERE client_id = {q(world.cc_app.client_id)}")[0][0])
    load = Load(world, MIXED_LOAD).start()
    time.sleep(3)
    pids_before = {exe: stack.worker_pids(exe) for exe in EXECUTABLES}
    stopping = time.monotonic()
    stack.stop_postgres()
    down = time.monotonic()
    time.sleep(5)
    starting = time.monotonic()
    stack.start_postgres()
    up = time.monotonic()
    time.sleep(4)
    load.stop()
    resolve_remaining(load)

    c = counts(load)
    assert not load.unexpected, describe(load.unexpected)
    assert set(c["by_status"]) <= {"200", "204", "503"}, c["by_status"]   # no 500, no 502, no lost connection
    for r in load.results:
        if r.status == 503:
            assert r.error == "temporarily_unavailable", r.body
    # While it is down, everything latch answers is a 503; nginx may still hand out its
    # (at most one second old) copy of a discovery document.
    while_down = [r for r in load.results if r.started >= down and r.finished <= starting]
    from_latch = [r for r in while_down if not r.cached]
    assert from_latch and all(r.status == 503 for r in from_latch), describe([r for r in from_latch if r.status != 503])
    assert all(r.op == "discovery" and r.status == 200 for r in while_down if r.cached)
    # Back: the workers reconnect by themselves, transparently — every request that starts
    # once PostgreSQL accepts connections again succeeds, the first within 2 s.
    after = [r for r in load.results if r.started >= up]
    failed_after = [r for r in after if not 200 <= r.status < 300]
    assert not failed_after, describe(failed_after)
    first_ok = min(r.finished for r in after if 200 <= r.status < 300)
    assert first_ok - up <= 2.0, first_ok - up
    # No worker was restarted.
    assert {exe: stack.worker_pids(exe) for exe in EXECUTABLES} == pids_before

    data = {**c, "while_down": len(while_down), "while_down_from_nginx_cache": len(while_down) - len(from_latch),
            "seconds_stopping": round(down - stopping, 3),
            "seconds_to_first_2xx_after_up": round(first_ok - up, 3)}
    data.update(verify_client_credentials(stack, load, cc_before))
    data.update(verify_code_exchanges(stack, load))
    data.update(verify_rotations(stack, load))
    report("postgres_stopped_5s", data, artifacts)


def test_nginx_reload_under_load_fails_no_request(fault_stack, artifacts):
    stack = fault_stack
    world = make_world(stack)
    cc_before = int(sql(stack, f"SELECT count(*) FROM grants WHERE client_id = {q(world.cc_app.client_id)}")[0][0])
    nginx = ["nginx", "-p", os.path.join(stack.dir, "nginx"), "-c", os.path.join(stack.dir, "nginx", "conf", "nginx.conf")]
    load = Load(world, MIXED_LOAD).start()
    reloads = 0
    for _ in range(4):
        time.sleep(1.5)
        subprocess.run(nginx + ["-s", "reload"], check=True, capture_output=True, timeout=30)
        reloads += 1
    time.sleep(1.5)
    load.stop()

    c = counts(load)
    assert not load.unexpected, describe(load.unexpected)
    failed = [r for r in load.results if not 200 <= r.status < 300]
    assert not failed, describe(failed)
    assert c["200"] > 100, c
    data = {**c, "reloads": reloads}
    data.update(verify_client_credentials(stack, load, cc_before))
    data.update(verify_code_exchanges(stack, load))
    data.update(verify_rotations(stack, load))
    assert data["client_credentials_orphans"] == 0 and data["refresh_orphans"] == 0, data
    report("nginx_reload", data, artifacts)


def test_every_worker_reconnects_by_itself_after_a_postgres_restart(fault_stack):
    """PostgreSQL restarts while nothing is in flight: every worker's connection is now dead
    (their previous requests kept them open). The first request each worker handles must
    still succeed — the dead connection is replaced transparently, also on the path through
    a transaction (DELETE /oauth2/tokens: BEGIN is its first statement)."""
    stack = fault_stack
    factory = TokenFactory(stack)
    cc_app = factory.app(client_credentials=True)
    user_id, _ = factory.user()
    session, csrf = factory.session(user_id)
    cookie = {"Cookie": f"latch_session={session}", "Connection": "close"}
    requests_made = [
        lambda: stack.post("/oauth2/tokens", data={"grant_type": "client_credentials"}, auth=cc_app.auth, headers={"Connection": "close"}),
        lambda: stack.request("DELETE", f"/oauth2/tokens?client_id={cc_app.client_id}", headers=dict(cookie, **{"X-CSRF-Token": csrf})),
        lambda: stack.get("/.well-known/oauth-authorization-server", headers={"Connection": "close"}),
    ]
    # Every worker of both executables holds an open connection: concurrent bursts reach all.
    burst = [threading.Thread(target=lambda f=f: [f() for _ in range(4)]) for f in requests_made for _ in range(WORKERS * 2)]
    for t in burst:
        t.start()
    for t in burst:
        t.join()
    pids = {exe: stack.worker_pids(exe) for exe in EXECUTABLES}
    stack.stop_postgres()
    stack.start_postgres()
    statuses = [f().status_code for _ in range(WORKERS * 4) for f in requests_made]
    assert statuses == [200, 204, 200] * (WORKERS * 4), statuses
    assert {exe: stack.worker_pids(exe) for exe in EXECUTABLES} == pids
