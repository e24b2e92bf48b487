"""PostgreSQL's own high-availability parts for the issue 17 tests, real and on loopback:
PgBouncer (Debian's 1.18) in front of a cluster, and (hatopology.py) a primary with a
synchronous streaming standby. Every wait is bounded."""
import os
import shutil
import subprocess
import time

from latchstack import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"


def as_postgres(cmd):
    return (["runuser", "-u", "postgres", "--"] + cmd) if os.geteuid() == 0 else cmd


def own(path):
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")


class PgBouncer:
    """PgBouncer on 127.0.0.1:port, pooling `pool_size` server connections per database in
    `mode`, for a cluster reached at (host, port). `auth_type = any` with the database's user
    fixed: the test's cluster trusts loopback, PgBouncer adds nothing to it."""

    def __init__(self, directory, host, port, mode="transaction", pool_size=2, user="postgres"):
        self.dir = os.path.join(directory, "pgbouncer")
        self.port = free_port()
        self.host, self.pg_port, self.mode, self.pool_size, self.user = host, port, mode, pool_size, user
        self.process = None

    @property
    def url(self):
        return f"host=127.0.0.1 port={self.port} dbname=latch"

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        own(self.dir)
        config = os.path.join(self.dir, "pgbouncer.ini")
        with open(config, "w") as f:
            f.write(f"""[databases]
latch = host={self.host} port={self.pg_port} dbname=latch user={self.user}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = any
pool_mode = {self.mode}
default_pool_size = {self.pool_size}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 200
server_reset_query =
server_check_delay = 0
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
""")
        own(config)
        self.process = subprocess.Popen(as_postgres([PGBOUNCER, config]), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 15
        while time.time() < deadline:
            r = subprocess.run(["ss", "-ltn", f"sport = :{self.port}"], capture_output=True, text=True)
            if "LISTEN" in r.stdout:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("pgbouncer did not start: " + self.log())

    def log(self):
        try:
            with open(os.path.join(self.dir, "pgbouncer.log")) as f:
                return f.read()
        except OSError:
            return ""

    def server_connections(self, stack):
        """Backends of the cluster PgBouncer opened (application_name is not passed through:
        counted by client address, 127.0.0.1, and not psql's unix socket)."""
        return int(stack.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = 'latch' AND client_addr IS NOT NULL"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
