"""A real latch stack for tests: a private PostgreSQL cluster, the four FastCGI
executables and nginx, started with deploy/stack in a temporary directory on free
loopback ports. Nothing is faked."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "debug")
STACK = os.path.join(ROOT, "deploy", "stack")
PG_BIN = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
EXECUTABLES = ["latch-discovery", "latch-authorize", "latch-tokens", "latch-register"]


def nginx_user_line():
    """The `user` directive a test's own nginx needs to reach the stack's FastCGI sockets: they are
    0660 with the group latch-fcgi (deploy/stack), so as root the workers run as nobody:latch-fcgi,
    exactly as the stack's own nginx does."""
    return "user nobody latch-fcgi;" if os.geteuid() == 0 else ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Endpoint:
    """HTTP to `base_url` the way the tests want it: no redirects followed, bounded waits."""
    base_url = ""

    def url(self, path):
        return self.base_url + path

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def request(self, method, path, **kw):
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 30)
        return requests.request(method, self.url(path), **kw)


class Stack(Endpoint):
    def __init__(self, extra_env=None, workers=2):
        self.dir = tempfile.mkdtemp(prefix="latch-test-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.pg_port = free_port()
        self.workers = workers
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.issuer = self.base_url
        self.extra_env = dict(extra_env or {})
        self.listen_addresses = "127.0.0.1"
        # The executables' database when not the stack's cluster (a PgBouncer, a multi-host URL).
        self.app_database_url = None

    # -- lifecycle -----------------------------------------------------------------
    def up(self):
        env = dict(os.environ)
        env.update(self.extra_env)
        result = subprocess.run(
            [STACK, "up", "--dir", self.dir, "--port", str(self.port), "--pg-port", str(self.pg_port),
             "--workers", str(self.workers), "--no-build", "--no-demo"]
            + (["--app-database-url", self.app_database_url] if self.app_database_url else []),
            env=env, capture_output=True, text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"stack up failed:\n{result.stdout}\n{result.stderr}")
        self.env = self._read_env()
        return self

    def down(self, remove=True):
        subprocess.run([STACK, "down", "--dir", self.dir], capture_output=True, timeout=120)
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _read_env(self):
        env = {}
        with open(os.path.join(self.dir, "latch.env")) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, v = line.split("=", 1)
                    env[k] = v.strip('"')
        return env

    @property
    def database_url(self):
        return self.env["LATCH_DATABASE_URL"]

    # -- PostgreSQL ------------------------------------------------------------------
    def psql(self, sql, *params_unused):
        """Runs SQL through psql and returns rows as lists of strings (unaligned, tab-separated)."""
        out = subprocess.run(
            [os.path.join(PG_BIN, "psql"), "-h", os.path.join(self.dir, "pgsock"), "-p", str(self.pg_port),
             "-U", "postgres", "-d", "latch", "-AtqX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return [line.split("\t") for line in out.stdout.splitlines() if line != ""]

    def scalar(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows else None

    def _pg_ctl(self, *args):
        cmd = [os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "pg")] + list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def stop_postgres(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start_postgres(self):
        r = self._pg_ctl("-l", os.path.join(self.dir, "log", "postgresql.log"), "-w", "-t", "60", "-o",
                         f"-k {self.dir}/pgsock -p {self.pg_port} -c listen_addresses={self.listen_addresses} -c max_connections=300",
                         "start")
        if r.returncode != 0:
            raise RuntimeError(r.stdout + r.stderr)

    # -- processes -----------------------------------------------------------------
    def supervisor_pid(self, executable):
        with open(os.path.join(self.dir, "run", f"{executable}.pid")) as f:
            return int(f.read().strip())

    def worker_pids(self, executable):
        out = subprocess.run(["pgrep", "-P", str(self.supervisor_pid(executable))], capture_output=True, text=True)
        return sorted(int(p) for p in out.stdout.split())

    def log(self, executable):
        with open(os.path.join(self.dir, "log", f"{executable}.log")) as f:
            return f.read()

    # -- latchctl ------------------------------------------------------------------
    def latchctl(self, *args, input=None, check=True):
        env = dict(os.environ)
        env.update(self.env)
        result = subprocess.run([os.path.join(BIN, "latchctl")] + [str(a) for a in args], input=input,
                                env=env, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"latchctl {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def latchctl_json(self, *args, input=None):
        return json.loads(self.latchctl(*args, "--json", input=input).stdout)

    def wait_until(self, predicate, timeout=10.0, interval=0.1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()
