"""The benchmark's own latch stack: deploy/stack in a temporary directory on free
loopback ports, plus the bench-only nginx locations (bench/nginx/bench-locations.conf)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
STACK = os.path.join(ROOT, "deploy", "stack")
EXECUTABLES = ["latch-discovery", "latch-authorize", "latch-tokens", "latch-register"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return "/usr/lib/postgresql/15/bin"


class BenchStack:
    def __init__(self, workers, release=True, build=True, log=print, pg_settings=()):
        self.workers = workers
        self.pg_settings = list(pg_settings)   # NAME=VALUE, given to PostgreSQL when it starts
        self.release = release
        self.build = build
        self.log = log
        self.dir = tempfile.mkdtemp(prefix="latch-bench-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.pg_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.pg_bin = pg_bindir()
        self.started = False

    @classmethod
    def attach(cls, directory, port, pg_port):
        """A stack someone else started with deploy/stack (the integration tests' own)."""
        stack = cls.__new__(cls)
        stack.workers, stack.release, stack.build, stack.log = None, None, False, print
        stack.dir, stack.port, stack.pg_port = directory, port, pg_port
        stack.base_url = f"http://127.0.0.1:{port}"
        stack.pg_bin = pg_bindir()
        stack.started = False
        return stack

    # -- lifecycle ---------------------------------------------------------------------
    def up(self):
        command = [STACK, "up", "--dir", self.dir, "--port", str(self.port), "--pg-port", str(self.pg_port),
                   "--workers", str(self.workers), "--no-demo"]
        for setting in self.pg_settings:
            command += ["--pg-setting", setting]
        if self.release:
            command.append("--release")
        if not self.build:
            command.append("--no-build")
        self.log(f"stack: {' '.join(os.path.relpath(c, ROOT) if c == STACK else c for c in command)}")
        self.started = True
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            raise RuntimeError(f"deploy/stack up failed:\n{result.stdout}\n{result.stderr}")
        self.pg_bin = pg_bindir()
        self.add_bench_locations()
        return self

    def down(self, remove=True):
        if self.started:
            subprocess.run([STACK, "down", "--dir", self.dir], capture_output=True, timeout=300)
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def add_bench_locations(self):
        """Includes bench/nginx/bench-locations.conf in the stack's generated server block
        (only this stack's nginx.conf changes) and reloads nginx."""
        conf_dir = os.path.join(self.dir, "nginx", "conf")
        shutil.copy(os.path.join(BENCH, "nginx", "bench-locations.conf"), conf_dir)
        path = os.path.join(conf_dir, "nginx.conf")
        with open(path) as f:
            text = f.read()
        anchor = "include latch-locations.conf;"
        if "include bench-locations.conf;" not in text:
            if anchor not in text:
                raise RuntimeError("the stack's nginx.conf has no 'include latch-locations.conf;' to extend")
            text = text.replace(anchor, anchor + "\n        include bench-locations.conf;", 1)
            with open(path, "w") as f:
                f.write(text)
        nginx = ["nginx", "-p", os.path.join(self.dir, "nginx"), "-c", path]
        subprocess.run(nginx + ["-t", "-q"], check=True, capture_output=True, text=True)
        subprocess.run(nginx + ["-s", "reload"], check=True, capture_output=True, text=True)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.http("GET", "/bench/return-200")[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("nginx did not pick up bench-locations.conf")

    # -- HTTP ----------------------------------------------------------------------------
    def http(self, method, path, headers=None, body=None):
        """(status, body text) of one request; never raises for an HTTP status."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error)

    # -- PostgreSQL ----------------------------------------------------------------------
    @property
    def pg_args(self):
        return ["-h", os.path.join(self.dir, "pgsock"), "-p", str(self.pg_port), "-U", "postgres"]

    def psql(self, sql=None, file=None, variables=None, stdin=None, timeout=1800):
        """Runs SQL (a string or a file) with psql variables; returns stdout rows."""
        command = [os.path.join(self.pg_bin, "psql")] + self.pg_args + ["-d", "latch", "-AtqX", "-v", "ON_ERROR_STOP=1"]
        for name, value in (variables or {}).items():
            command += ["-v", f"{name}={value}"]
        command += ["-f", file] if file else ["-c", sql]
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout,
                                text=not isinstance(stdin, bytes))
        if result.returncode != 0:
            err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
            raise RuntimeError(f"psql failed ({file or sql[:80]}):\n{err}")
        out = result.stdout if isinstance(result.stdout, str) else result.stdout.decode()
        return [line.split("|") for line in out.splitlines() if line]

    def scalar(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows else None

    def copy_in(self, table, columns, lines):
        """COPY rows (already in COPY text format, one per line) into `table`."""
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        if not data:
            return
        self.psql(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stdin=data)

    def checkpoint(self):
        self.psql("CHECKPOINT")

    # -- processes -------------------------------------------------------------------------
    def supervisor_pid(self, executable):
        with open(os.path.join(self.dir, "run", f"{executable}.pid")) as f:
            return int(f.read().strip())

    def worker_pids(self, executable):
        pid = self.supervisor_pid(executable)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return sorted(int(p) for p in f.read().split())
        except OSError:
            out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
            return sorted(int(p) for p in out.split())
