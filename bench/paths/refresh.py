"""Path 3: POST /oauth2/tokens, grant_type=refresh_token: rotation. Every request presents
its own pre-minted, unused refresh token (with the access token issued alongside)."""
import os

from harness.credentials import ACCESS_TOKEN, REFRESH_TOKEN, copy_bytea, mint_many
from harness.path import BenchPath, sql_file

GRANT_COLUMNS = ["id", "client_id", "user_id", "scope", "last_used_at"]
TOKEN_COLUMNS = ["id", "kind", "secret_hash", "grant_id", "client_id", "user_id", "scope",
                 "refresh_token_id", "expires_at"]


class Refresh(BenchPath):
    name = "refresh"
    title = "refresh_token rotation (client_secret_basic)"
    method = "POST"
    url_path = "/oauth2/tokens"
    executable = "latch-tokens"
    lua = "refresh.lua"
    pgbench = "refresh.sql"
    kind = "write"
    resets_tables = True

    def prepare(self, ctx, count):
        now = ctx.timestamp(0)
        refresh_expires = ctx.timestamp(30 * 86400)
        access_expires = ctx.timestamp(3600)
        grants, tokens, lines = [], [], []
        for refresh, access in zip(mint_many(REFRESH_TOKEN, count), mint_many(ACCESS_TOKEN, count)):
            grant = os.urandom(8).hex()
            grants.append("\t".join([grant, ctx.client_id, str(ctx.user_id), ctx.scope, now]))
            tokens.append("\t".join([refresh.id, "refresh", copy_bytea(refresh.secret_hash), grant, ctx.client_id,
                                     str(ctx.user_id), ctx.scope, "\\N", refresh_expires]))
            tokens.append("\t".join([access.id, "access", copy_bytea(access.secret_hash), grant, ctx.client_id,
                                     str(ctx.user_id), ctx.scope, refresh.id, access_expires]))
            lines.append(f"grant_type=refresh_token&refresh_token={refresh.value}")
        ctx.stack.copy_in("grants", GRANT_COLUMNS, grants)
        ctx.stack.copy_in("tokens", TOKEN_COLUMNS, tokens)
        return lines

    def request(self, ctx, line):
        return "POST", self.url_path, {"Authorization": ctx.authorization,
                                       "Content-Type": "application/x-www-form-urlencoded"}, line

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("refresh.data.sql"), variables={
            "clients": clients, "per_client": per_client, "stride": ctx.pgbench_defines()["stride"]})
        return {"grant_type": "refresh_token"}

    def pgbench_work_done(self, ctx):
        """Rotations that did all their statement does: the presented refresh token used, its
        access token revoked, a new pair issued, the refresh.rotated audit row (the smallest
        of those counts)."""
        return int(ctx.stack.scalar("""
            WITH rotated AS (SELECT grant_id FROM tokens WHERE client_id = 'bench-app' AND kind = 'refresh'
                                                           AND used_at IS NOT NULL)
            SELECT least((SELECT count(*) FROM rotated),
                         (SELECT count(*) FROM tokens WHERE client_id = 'bench-app' AND kind = 'access'
                                                       AND revoked_at IS NOT NULL),
                         (SELECT count(*) FROM tokens WHERE grant_id IN (SELECT grant_id FROM rotated)
                                                       AND kind = 'refresh' AND used_at IS NULL),
                         (SELECT count(*) FROM tokens WHERE grant_id IN (SELECT grant_id FROM rotated)
                                                       AND kind = 'access' AND revoked_at IS NULL),
                         (SELECT count(*) FROM audit_events WHERE event = 'refresh.rotated'))"""))
