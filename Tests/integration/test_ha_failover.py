"""Issue 17: failover drills on the real topology (hatopology.py: the stack's cluster as the
primary, a synchronous streaming standby, latch on a multi-host URL with
target_session_attrs=read-write, LATCH_DATABASE_TIMEOUT_MS=2000), under a mixed load whose
clients retry the same credential after a 503 or no answer (haload.py). Counts are printed
(run with -s) and written to artifacts/ha-failover.json. Each scenario is bounded (~35 s).

- primary killed (SIGKILL, every process of it) and the standby promoted 2 s later;
- primary frozen (SIGSTOP) and the standby promoted 2 s later: before issue 17 no request
  succeeded after the promotion and retries of requests that ran late revoked grants;
- the synchronous standby lost, no promotion: writes answer 503 within the bound, the gate
  goes on; writes come back with the standby.
"""
import json
import time
import os

import pytest

from haload import MixedLoad
from hatopology import Topology

TIMEOUT_MS = 2000   # the default
# The longest a request can take (README "Running latch for real"): its wait for a worker
# (at most the bound), connecting (connect_timeout, 2 s, per unreachable host) and one
# statement (the bound, then as long again for the cancelled statement's answer).
CLIENT_DEADLINE = 12
RESULTS = {}


@pytest.fixture
def topology(make_stack, artifacts):
    stack = make_stack({"LATCH_DATABASE_TIMEOUT_MS": str(TIMEOUT_MS)}, workers=3)
    topology = Topology(stack)
    yield topology
    topology.tear_down()
    with open(os.path.join(artifacts, "ha-failover.json"), "w") as f:
        json.dump(RESULTS, f, indent=2)


def check(stack, token):
    return stack.get("/oauth2/check", headers={"Authorization": f"Bearer {token}"}, timeout=CLIENT_DEADLINE).status_code


def verify_after_failover(topology, load):
    """Every token latch answered with works on the new primary, except those of a grant a
    replay revoked (counted); no code redeemed twice, no refresh token rotated twice."""
    stack, standby = topology.stack, topology.standby
    assert all(n == 1 for n in load.successes_per_credential("code").values())
    assert all(n == 1 for n in load.successes_per_credential("refresh").values())
    # Rotation retires a chain's earlier access tokens: of a refresh chain, its last pair counts.
    issued = load.issued("client_credentials") + load.issued("code") + [chain.access for chain in load.chains[1:]]
    failing = [t for t in issued if check(stack, t) != 204]
    revoked_by_replay = []
    for token in failing:
        reason = standby.scalar(f"SELECT coalesce(g.revoked_reason, '') FROM tokens t JOIN grants g ON g.id = t.grant_id "
                                f"WHERE t.id = '{token[4:20]}'")
        assert reason in ("code_replay", "refresh_token_reuse"), (token, reason, "lost or not working after failover")
        revoked_by_replay.append(token)
    return {"tokens_verified": len(issued), "verified_working": len(issued) - len(failing),
            "revoked_by_replay": len(revoked_by_replay)}


def reason_count(standby):
    return int(standby.scalar("SELECT count(*) FROM grants WHERE revoked_reason IN ('code_replay', 'refresh_token_reuse')"))


def summary(load, moments):
    errors = {}
    for c in load.calls:
        if c.status >= 400:
            key = f"{c.op} {c.status} {c.error}" + (f" ({c.description})" if c.status == 400 else "")
            errors[key] = errors.get(key, 0) + 1
    # The fault is complete when its signals are sent; the promotion is complete when
    # pg_ctl promote -w returns.
    fault_done, (promote_started, promote_done) = moments["fault"][1], moments["promote"]
    first = load.first_write_success_after(promote_done)
    return {"statuses": load.statuses(), "errors": errors,
            "first_write_success_after_promotion_s": round(first, 2) if first is not None else None,
            "retries_met_replay": len(load.replays_after_retry()),
            "retries_met_replay_of_sends_after_fault": len(load.replays_after_retry(since=fault_done)),
            "retries_met_replay_of_sends_while_frozen": len(load.replays_after_retry(since=fault_done, until=promote_started)),
            "answered_after_client_deadline": sum(1 for c in load.calls if c.status == 0)}


def test_primary_killed_and_standby_promoted(topology):
    load = MixedLoad(topology.stack, CLIENT_DEADLINE)
    print(f"\nset up in {time.time() - topology.created:.1f} s")
    began = time.time()
    moments = load.run(12, [(3, "fault", topology.kill_primary), (5, "promote", topology.standby.promote)])
    print(f"load ran {time.time() - began:.1f} s")
    began = time.time()
    result = summary(load, moments)
    result.update(verify_after_failover(topology, load))
    print(f"verified in {time.time() - began:.1f} s")
    RESULTS["sigkill"] = result
    print(f"\nSIGKILL + promotion: {result}")
    assert set(result["statuses"]) <= {200, 204, 400, 401, 503}, result
    assert result["first_write_success_after_promotion_s"] is not None
    # Each retry that met replay detection revoked exactly its own grant, nothing else.
    assert reason_count(topology.standby) == result["retries_met_replay"], result


def test_primary_frozen_and_standby_promoted(topology):
    load = MixedLoad(topology.stack, CLIENT_DEADLINE)
    moments = load.run(12, [(3, "fault", topology.freeze_primary), (5, "promote", topology.standby.promote)])
    result = summary(load, moments)
    result.update(verify_after_failover(topology, load))
    RESULTS["sigstop"] = result
    print(f"\nSIGSTOP + promotion: {result}")
    # Every request answered within its client's deadline, by 2xx, 4xx or 503 only.
    assert set(result["statuses"]) <= {200, 204, 400, 401, 503}, result
    assert result["first_write_success_after_promotion_s"] is not None, result
    # No request ran after its client gave up: no retry of a request sent while the primary was
    # frozen met replay detection — before issue 17 such requests sat in the FastCGI socket and ran
    # on the promoted standby after their clients had given up, and their retries revoked grants.
    # (A request in flight at the very moment of the freeze, or one whose commit on the freshly
    # promoted server outlasted twice the bound, may have committed without an answer: the rare
    # ambiguous commit, counted in retries_met_replay and printed.)
    assert result["retries_met_replay_of_sends_while_frozen"] == 0, result
    assert reason_count(topology.standby) == result["retries_met_replay"] <= len(load.chains) + 2, result


def test_synchronous_standby_lost(topology):
    stack, standby = topology.stack, topology.standby
    load = MixedLoad(stack, CLIENT_DEADLINE, chains=1, codes=0)
    moments = load.run(13, [(3, "lost", standby.stop), (10, "back", standby.start)])
    lost, back = moments["lost"][1], moments["back"][0]
    during = [c for c in load.calls if lost + 0.2 < c.started and c.finished < back]
    writes = [c.status for c in during if c.op == "client_credentials"]
    checks = [c.status for c in during if c.op == "check"]
    after = load.first_write_success_after(back)
    result = {"statuses": load.statuses(), "writes_while_lost": {s: writes.count(s) for s in set(writes)},
              "checks_while_lost": {s: checks.count(s) for s in set(checks)},
              "first_write_success_after_standby_back_s": round(after, 2) if after is not None else None}
    RESULTS["sync_standby_lost"] = result
    print(f"\nsynchronous standby lost: {result}")
    # Writes answer 503 within the bound (never no answer), the gate goes on.
    assert writes and set(writes) == {503}, result
    assert checks and set(checks) == {204}, result
    assert after is not None, result
