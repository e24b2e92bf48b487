"""Path 5a: POST /oauth2/introspect by a client-authenticated resource server, over a pool
of pre-minted live access tokens (cycled: introspection changes nothing)."""
import os

from harness.credentials import ACCESS_TOKEN, copy_bytea, mint_many
from harness.path import BenchPath, sql_file

GRANT_COLUMNS = ["id", "client_id", "user_id", "scope", "last_used_at"]
TOKEN_COLUMNS = ["id", "kind", "secret_hash", "grant_id", "client_id", "user_id", "scope", "expires_at"]
PGBENCH_POOL = 20_000


def mint_access_tokens(ctx, count, scope=None):
    """`count` live access tokens of bench-app for bench-user, each in its own grant, for
    `scope` (default: the bench scope)."""
    now, expires, scope = ctx.timestamp(0), ctx.timestamp(3600), scope or ctx.scope
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


class Introspect(BenchPath):
    name = "introspect"
    title = "POST /oauth2/introspect (client_secret_basic)"
    method = "POST"
    url_path = "/oauth2/introspect"
    executable = "latch-tokens"
    lua = "introspect.lua"
    pgbench = "introspect.sql"
    kind = "read"
    resets_tables = True

    def prepare(self, ctx, count):
        return [f"token={value}&token_type_hint=access_token" for value in mint_access_tokens(ctx, count)]

    def request(self, ctx, line):
        return "POST", self.url_path, {"Authorization": ctx.authorization,
                                       "Content-Type": "application/x-www-form-urlencoded"}, line

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("check.data.sql"), variables={"pool": PGBENCH_POOL})
        return {"pool": PGBENCH_POOL, "token_kind": "access"}
