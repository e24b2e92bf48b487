"""Path 5b: GET /oauth2/check with a bearer token, as nginx auth_request sends it, over a
pool of pre-minted live access tokens (cycled: the check changes nothing)."""
from harness.path import BenchPath, sql_file

from .introspect import PGBENCH_POOL, mint_access_tokens


class Check(BenchPath):
    name = "check"
    title = "GET /oauth2/check (Bearer)"
    url_path = "/oauth2/check"
    executable = "latch-tokens"
    lua = "bearer.lua"
    pgbench = "check.sql"
    kind = "read"
    resets_tables = True

    def prepare(self, ctx, count):
        return mint_access_tokens(ctx, count)

    def request(self, ctx, line):
        return "GET", self.url_path, {"Authorization": f"Bearer {line}"}, None

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("check.data.sql"), variables={"pool": PGBENCH_POOL})
        return {"pool": PGBENCH_POOL, "token_kind": "access"}
