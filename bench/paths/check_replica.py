"""Path 5c (issue 17): the request of `check` (GET /oauth2/check with a bearer token, over the
same pool of live access tokens) served by a second latch-tokens pool whose gate reads from a
hot standby of the bench cluster (LATCH_READ_DATABASE_URL): the gate with and without the read
replica in one run. bench/run makes the standby (pg_basebackup -R, on its own loopback port) and
the pool when this path is selected (harness/stack.py, start_replica); nginx reaches the pool at
/bench/check-replica (bench/nginx/bench-replica.conf). The tokens are minted on the primary:
before each run the harness waits until the standby has replayed them, and it reports the
standby's transactions and latch-tokens connections, which show the reads went there. Its
ceiling is check's (pgbench check.sql on the primary)."""
from .check import Check


class CheckReplica(Check):
    name = "check_replica"
    title = "GET /oauth2/check (Bearer), gate reading from a hot standby"
    url_path = "/bench/check-replica"
    executable = "latch-tokens-replica"
    pgbench = None
    pgbench_of = "check"
    replica = True

    def before_requests(self, ctx):
        """The standby has replayed the fixtures and the token pool (its gate would answer 401
        for a token it has not seen yet)."""
        ctx.stack.wait_standby_replayed()
