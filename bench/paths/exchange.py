"""Path 2: POST /oauth2/tokens, grant_type=authorization_code with PKCE (S256), confidential
client, client_secret_basic. Every request redeems its own pre-minted code."""
from urllib.parse import quote

from harness.credentials import AUTHORIZATION_CODE, copy_bytea, mint_many, pkce_pair
from harness.path import PGBENCH_CHALLENGE, PGBENCH_STRIDE, BenchPath, sql_file

COLUMNS = ["id", "secret_hash", "client_id", "user_id", "redirect_uri", "redirect_uri_given",
           "code_challenge", "scope", "expires_at"]


class Exchange(BenchPath):
    name = "exchange"
    title = "authorization_code + PKCE (client_secret_basic)"
    method = "POST"
    url_path = "/oauth2/tokens"
    executable = "latch-tokens"
    lua = "exchange.lua"
    pgbench = "exchange.sql"
    kind = "write"
    resets_tables = True

    def prepare(self, ctx, count):
        expires = ctx.timestamp(3600)
        redirect = quote(ctx.redirect_uri, safe="")
        rows, lines = [], []
        for code in mint_many(AUTHORIZATION_CODE, count):
            verifier, challenge = pkce_pair()
            rows.append("\t".join([code.id, copy_bytea(code.secret_hash), ctx.client_id, str(ctx.user_id),
                                   ctx.redirect_uri, "t", challenge, ctx.scope, expires]))
            lines.append(f"grant_type=authorization_code&code={code.value}"
                         f"&code_verifier={verifier}&redirect_uri={redirect}")
        ctx.stack.copy_in("authorization_codes", COLUMNS, rows)
        return lines

    def request(self, ctx, line):
        return "POST", self.url_path, {"Authorization": ctx.authorization,
                                       "Content-Type": "application/x-www-form-urlencoded"}, line

    def prepare_pgbench(self, ctx, clients, per_client):
        ctx.stack.psql(file=sql_file("exchange.data.sql"), variables={
            "clients": clients, "per_client": per_client, "stride": PGBENCH_STRIDE,
            "challenge": PGBENCH_CHALLENGE, "redirect_uri": ctx.redirect_uri})
        return {"grant_type": "authorization_code"}

    def pgbench_work_done(self, ctx):
        """Redemptions that did all their statement does: code taken, grant, both tokens and
        the code.redeemed audit row (the smallest of those counts)."""
        return int(ctx.stack.scalar("""
            SELECT least((SELECT count(*) FROM authorization_codes WHERE redeemed_at IS NOT NULL AND grant_id IS NOT NULL),
                         (SELECT count(*) FROM grants WHERE client_id = 'bench-app'),
                         (SELECT count(*) FROM tokens WHERE client_id = 'bench-app' AND kind = 'refresh'),
                         (SELECT count(*) FROM tokens WHERE client_id = 'bench-app' AND kind = 'access'),
                         (SELECT count(*) FROM audit_events WHERE event = 'code.redeemed'))"""))
