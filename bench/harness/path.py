"""What a benchmark path is: an HTTP request latch serves (measured with wrk and a Lua
script of bench/lua/), the SQL latch runs for it (bench/sql/NAME.sql, measured alone with
pgbench as the path's ceiling) and how to prepare the data both need.

A path whose endpoint answers 404 is reported "not available", so the harness runs today
and each path lights up when its endpoint lands."""
import datetime
import os
from dataclasses import dataclass, field

from .credentials import CLIENT_SECRET, basic_authorization, mint

CLIENT_ID = "bench-app"
REDIRECT_URI = "http://127.0.0.1:9/callback"
SCOPE = "bench:read bench:write"
ACCESS_LIFETIME = int(os.environ.get("LATCH_ACCESS_TOKEN_LIFETIME", "3600"))
REFRESH_LIFETIME = int(os.environ.get("LATCH_REFRESH_TOKEN_LIFETIME", "2592000"))
# The PKCE pair of RFC 7636 appendix B: every code of pgbench's pools carries this challenge.
PGBENCH_VERIFIER = "dBjftJeZ4CVP-mJ0wnsUN2RcZwIq9lBbhrYH3eiSGEg"
PGBENCH_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
PGBENCH_STRIDE = 10_000_000


@dataclass
class Context:
    """What every path's preparation needs: the stack, the bench client and user, a
    directory for data files."""
    stack: object
    data_dir: str
    secret: object = field(default_factory=lambda: mint(CLIENT_SECRET))
    user_id: int = 0

    client_id: str = CLIENT_ID
    redirect_uri: str = REDIRECT_URI
    scope: str = SCOPE

    @property
    def authorization(self):
        return basic_authorization(self.client_id, self.secret.value)

    def install_fixtures(self):
        self.stack.psql(file=sql_file("fixtures.sql"), variables={
            "secret_id": self.secret.id, "secret_hash": self.secret.secret_hash.hex(),
            "display_prefix": self.secret.value[:8]})
        self.user_id = int(self.stack.scalar("SELECT id FROM users WHERE username = 'bench-user'"))

    def pgbench_defines(self):
        """The -D values every pgbench script may bind, as latch binds them: the client_id, the
        secret's lookup id and the SHA-256 of the secret from Basic (hex; the statement
        decodes it), client_credentials' requested scope, lifetimes, the PKCE challenge and
        redirect_uri an exchange repeats, and who the audit rows name: the acting client and
        nginx's REMOTE_ADDR. Each path adds its grant type."""
        return {"client": self.client_id, "secret_id": self.secret.id, "secret_hash": self.secret.secret_hash.hex(),
                "scope": "bench:read", "access_lifetime": ACCESS_LIFETIME, "refresh_lifetime": REFRESH_LIFETIME,
                "challenge": PGBENCH_CHALLENGE, "redirect_uri": self.redirect_uri,
                "actor": f"client:{self.client_id}", "address": "127.0.0.1",
                "stride": PGBENCH_STRIDE, "seq": 0}

    @staticmethod
    def timestamp(seconds_from_now):
        moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
        return moment.strftime("%Y-%m-%d %H:%M:%S+00")

    def data_file(self, name, lines):
        path = os.path.join(self.data_dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path


def sql_file(name):
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sql", name)


class BenchPath:
    """One path. Subclasses set the class attributes and override what differs."""
    name = ""
    title = ""
    method = "GET"
    url_path = "/"
    executable = ""
    lua = ""
    # The pgbench script of the same SQL (bench/sql/), or None; `pgbench_of` names another
    # path whose ceiling this one shares.
    pgbench = None
    pgbench_of = None
    # "read": the data file is cycled; "write": every request consumes one item, so the
    # pool is sized to the run; "static": one request repeated.
    kind = "read"
    # Token paths start from the same state: tables emptied, refilled to the base size.
    resets_tables = False
    # Served by the pool that reads from the bench cluster's hot standby (check_replica):
    # bench/run starts the standby and that pool when such a path is selected.
    replica = False

    # -- latch (wrk) ---------------------------------------------------------------------
    def prepare(self, ctx, count):
        """Mints `count` items, stores their hashes, returns one data line per item."""
        return []

    def request(self, ctx, line):
        """(method, path, headers, body) of the request wrk sends for one data line, for
        the probe that tells whether the endpoint exists."""
        return self.method, self.url_path, {}, None

    def before_requests(self, ctx):
        """Called after the data is prepared (and settled), before the probe's request and
        before the wrk runs."""

    def wrk_args(self, ctx, data_path, threads):
        return [data_path or "", threads, ctx.authorization]

    # -- pgbench ---------------------------------------------------------------------------
    def prepare_pgbench(self, ctx, clients, per_client):
        """Creates what the pgbench script consumes; returns extra -D defines."""
        return {}

    def pgbench_work_done(self, ctx):
        """Rows that prove the pgbench script did its work (for write paths), or None."""
        return None
