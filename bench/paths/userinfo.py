"""Path 5c: GET /oauth2/userinfo with a bearer token holding openid (README "OpenID Connect"),
over a pool of pre-minted live access tokens (cycled: userinfo changes nothing). One statement:
the gate's token lookup and the person's row (TokenStore.userInfoStatement)."""
import os

from harness.credentials import ACCESS_TOKEN, copy_bytea, mint_many
from harness.path import BenchPath, sql_file

from .introspect import GRANT_COLUMNS, PGBENCH_POOL, TOKEN_COLUMNS


def mint_openid_tokens(ctx, count):
    """`count` live access tokens of bench-app for bench-user with openid, each in its own grant."""
    now, expires, scope = ctx.timestamp(0), ctx.timestamp(3600), f"{ctx.scope} openid"
    grants, tokens, values = [], [], []
    for access in mint_many(ACCESS_TOKEN, count):
        grant = os.urandom(8).hex()
        grants.append("\t".join([grant, ctx.client_id, str(ctx.user_id), scope, now]))
        tokens.append("\t".join([access.id, "access", copy_bytea(access.secret_hash), grant, ctx.client_id,
                                 str(ctx.user_id), scope, expires]))
        values.append(access.value)
    ctx.stack.copy_in("grants", GRANT_COLUMNS, grants)
    ctx.stack.copy_in("tokens", TOKEN_COLUMNS, tokens)
    return values


class UserInfo(BenchPath):
    name = "userinfo"
    title = "GET /oauth2/userinfo (Bearer, openid)"
    url_path = "/oauth2/userinfo"
    executable = "latch-tokens"
    lua = "userinfo.lua"
    pgbench = "userinfo.sql"
    kind = "read"
    resets_tables = True

    def prepare(self, ctx, count):
        return mint_openid_tokens(ctx, count)

    def request(self, ctx, line):
        return "GET", self.url_path, {"Authorization": f"Bearer {line}"}, None

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("check.data.sql"), variables={"pool": PGBENCH_POOL})
        return {"pool": PGBENCH_POOL, "token_kind": "access"}
