"""Path 5c: GET /oauth2/userinfo with a bearer token holding openid (README "OpenID Connect"),
over a pool of pre-minted live access tokens (cycled: userinfo changes nothing). One statement:
the gate's token lookup and the person's row (TokenStore.userInfoStatement)."""
from harness.path import BenchPath, sql_file

from .introspect import PGBENCH_POOL, mint_access_tokens


class UserInfo(BenchPath):
    name = "userinfo"
    title = "GET /oauth2/userinfo (Bearer, openid)"
    url_path = "/oauth2/userinfo"
    executable = "latch-tokens"
    lua = "bearer.lua"
    pgbench = "userinfo.sql"
    kind = "read"
    resets_tables = True

    def prepare(self, ctx, count):
        return mint_access_tokens(ctx, count, scope=f"{ctx.scope} openid")

    def request(self, ctx, line):
        return "GET", self.url_path, {"Authorization": f"Bearer {line}"}, None

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("check.data.sql"), variables={"pool": PGBENCH_POOL})
        return {"pool": PGBENCH_POOL, "token_kind": "access"}
