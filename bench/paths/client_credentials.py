"""Path 4: POST /oauth2/tokens, grant_type=client_credentials, client_secret_basic. The
request is always the same; each one creates a grant and an access token."""
from urllib.parse import quote

from harness.path import BenchPath


class ClientCredentials(BenchPath):
    name = "client_credentials"
    title = "client_credentials (client_secret_basic)"
    method = "POST"
    url_path = "/oauth2/tokens"
    executable = "latch-tokens"
    lua = "client_credentials.lua"
    pgbench = "client_credentials.sql"
    kind = "static"
    resets_tables = True

    def prepare(self, ctx, count):
        return [f"grant_type=client_credentials&scope={quote('bench:read', safe='')}"]

    def request(self, ctx, line):
        return "POST", self.url_path, {"Authorization": ctx.authorization,
                                       "Content-Type": "application/x-www-form-urlencoded"}, line

    def prepare_pgbench(self, ctx, clients, per_client):
        return {"grant_type": "client_credentials"}

    def pgbench_work_done(self, ctx):
        """Requests that did all their statement does: a grant, an access token and the
        token.issued audit row (the smallest of those counts)."""
        return int(ctx.stack.scalar("""
            SELECT least((SELECT count(*) FROM grants WHERE client_id = 'bench-app' AND user_id IS NULL),
                         (SELECT count(*) FROM tokens WHERE client_id = 'bench-app' AND kind = 'access'),
                         (SELECT count(*) FROM audit_events WHERE event = 'token.issued'))"""))
