"""The benchmark's own latch stack: deploy/stack in a temporary directory on free
loopback ports, plus the bench-only nginx locations (bench/nginx/bench-locations.conf)."""
import os
import shutil
import signal
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
# The second latch-tokens pool of the check_replica path: its gate reads from a hot standby of
# the bench cluster (LATCH_READ_DATABASE_URL). Its pid file and socket are named after it.
REPLICA_POOL = "latch-tokens-replica"


def as_postgres(command):
    """PostgreSQL's tools refuse to run as root: as the postgres user then (as deploy/stack)."""
    return (["runuser", "-u", "postgres", "--"] + command) if os.geteuid() == 0 else command


def own(path):
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")


def _running(pid):
    """Whether process `pid` runs (a zombie counts as ended, as in deploy/stack)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


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
        self.standby = None          # {"dir", "sock", "port"} once start_replica made it
        self.extra_executables = []  # pools besides deploy/stack's (REPLICA_POOL)

    @classmethod
    def attach(cls, directory, port, pg_port):
        """A stack someone else started with deploy/stack (the integration tests' own)."""
        stack = cls.__new__(cls)
        stack.workers, stack.release, stack.build, stack.log = None, None, False, print
        stack.dir, stack.port, stack.pg_port = directory, port, pg_port
        stack.base_url = f"http://127.0.0.1:{port}"
        stack.pg_bin = pg_bindir()
        stack.started = False
        stack.standby, stack.extra_executables = None, []
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
        self.stop_replica()
        if self.started:
            subprocess.run([STACK, "down", "--dir", self.dir], capture_output=True, timeout=300)
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)

    def add_bench_locations(self):
        """Includes bench/nginx/bench-locations.conf in the stack's generated server block
        (only this stack's nginx.conf changes) and reloads nginx."""
        conf_dir = os.path.join(self.dir, "nginx", "conf")
        shutil.copy(os.path.join(BENCH, "nginx", "bench-locations.conf"), conf_dir)
        self.include_in_nginx("bench-locations.conf", after="latch-locations.conf", probe="/bench/return-200",
                              ready=lambda status: status == 200)

    # -- the read replica (check_replica) ---------------------------------------------------
    def start_replica(self, workers):
        """A hot standby of the bench cluster (pg_basebackup -R, streaming, on its own loopback
        port), a second latch-tokens pool with LATCH_READ_DATABASE_URL naming it, and the nginx
        location /bench/check-replica (bench/nginx/bench-replica.conf) in front of that pool."""
        sb = {"dir": os.path.join(self.dir, "standby"), "sock": os.path.join(self.dir, "standbysock"),
              "port": free_port(), "name": "bench-standby"}
        for path in (sb["dir"], sb["sock"]):
            os.makedirs(path, exist_ok=True)
            own(path)
        os.chmod(sb["dir"], 0o700)
        self.log(f"standby: pg_basebackup -R of the bench cluster, hot standby on 127.0.0.1:{sb['port']}")
        self._run(as_postgres([os.path.join(self.pg_bin, "pg_basebackup"), "-h", os.path.join(self.dir, "pgsock"),
                               "-p", str(self.pg_port), "-U", "postgres", "-D", sb["dir"], "-R", "-X", "stream",
                               "-c", "fast", "-d", f"application_name={sb['name']}"]), timeout=300)
        log = os.path.join(self.dir, "log", "standby.log")
        open(log, "a").close()
        own(log)
        settings = " ".join(f"-c {setting}" for setting in self.pg_settings)
        self.standby = sb
        self._run(as_postgres([os.path.join(self.pg_bin, "pg_ctl"), "-D", sb["dir"], "-l", log, "-w", "-t", "60", "-o",
                               f"-k {sb['sock']} -p {sb['port']} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                               f"-c hot_standby=on {settings}", "start"]), timeout=90)
        deadline = time.time() + 30
        while self.scalar(f"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{sb['name']}' "
                          "AND state = 'streaming'") != "1":
            if time.time() > deadline:
                raise RuntimeError(f"the standby is not streaming; see {log}")
            time.sleep(0.2)
        self.start_replica_pool(workers)
        self.add_replica_location()

    def start_replica_pool(self, workers):
        """latch-tokens as deploy/stack starts it (the stack's latch.env), plus the read URL."""
        env = dict(os.environ)
        dump = subprocess.run(["bash", "-c", 'set -a; . "$1"; set +a; env -0', "env", os.path.join(self.dir, "latch.env")],
                              capture_output=True, check=True).stdout.decode()
        env.update(item.split("=", 1) for item in dump.split("\0") if "=" in item)
        env["LATCH_READ_DATABASE_URL"] = f"host=127.0.0.1 port={self.standby['port']} dbname=latch user=postgres"
        binary = os.path.join(ROOT, ".build", "release" if self.release else "debug", "latch-tokens")
        socket_path = os.path.join(self.dir, "run", f"{REPLICA_POOL}.sock")
        with open(os.path.join(self.dir, "log", f"{REPLICA_POOL}.log"), "ab") as log:
            process = subprocess.Popen([binary, "--listen", f"unix:{socket_path}", "--workers", str(workers)],
                                       env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        with open(os.path.join(self.dir, "run", f"{REPLICA_POOL}.pid"), "w") as f:
            f.write(f"{process.pid}\n")
        self.extra_executables.append(REPLICA_POOL)
        deadline = time.time() + 10
        while not os.path.exists(socket_path):
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{REPLICA_POOL} did not start; see {self.dir}/log/{REPLICA_POOL}.log")
            time.sleep(0.05)
        self.log(f"standby: {REPLICA_POOL}: {workers} latch-tokens workers with LATCH_READ_DATABASE_URL="
                 f"\"{env['LATCH_READ_DATABASE_URL']}\" (pid {process.pid})")

    def add_replica_location(self):
        conf_dir = os.path.join(self.dir, "nginx", "conf")
        shutil.copy(os.path.join(BENCH, "nginx", "bench-replica.conf"), conf_dir)
        with open(os.path.join(conf_dir, "latch-upstreams.conf"), "a") as f:
            f.write(f"upstream latch_tokens_replica {{ server unix:{self.dir}/run/{REPLICA_POOL}.sock; }}\n")
        self.include_in_nginx("bench-replica.conf", after="bench-locations.conf", probe="/bench/check-replica",
                              ready=lambda status: status not in (0, 404))

    def include_in_nginx(self, name, after, probe, ready):
        """Adds `include NAME;` after `include AFTER;` in the stack's nginx.conf (once), reloads
        nginx and waits until `probe` answers a status `ready` accepts."""
        path = os.path.join(self.dir, "nginx", "conf", "nginx.conf")
        with open(path) as f:
            text = f.read()
        anchor = f"include {after};"
        if f"include {name};" not in text:
            if anchor not in text:
                raise RuntimeError(f"the stack's nginx.conf has no '{anchor}' to extend")
            text = text.replace(anchor, anchor + f"\n        include {name};", 1)
            with open(path, "w") as f:
                f.write(text)
        nginx = ["nginx", "-p", os.path.join(self.dir, "nginx"), "-c", path]
        subprocess.run(nginx + ["-t", "-q"], check=True, capture_output=True, text=True)
        subprocess.run(nginx + ["-s", "reload"], check=True, capture_output=True, text=True)
        deadline = time.time() + 15
        while not ready(self.http("GET", probe)[0]):
            if time.time() > deadline:
                raise RuntimeError(f"nginx did not pick up {name}")
            time.sleep(0.1)

    def standby_psql(self, sql):
        result = self._run([os.path.join(self.pg_bin, "psql"), "-h", self.standby["sock"], "-p", str(self.standby["port"]),
                            "-U", "postgres", "-d", "latch", "-AtqX", "-v", "ON_ERROR_STOP=1", "-c", sql], timeout=60)
        return [line.split("|") for line in result.stdout.splitlines() if line]

    def wait_standby_replayed(self, timeout=120):
        """Waits until the standby has replayed everything the primary has written so far
        (fixtures, the data pool, the checkpoint); returns the seconds it took."""
        started = time.time()
        lsn = self.scalar("SELECT pg_current_wal_lsn()")
        while self.standby_psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0][0] != "t":
            if time.time() - started > timeout:
                raise RuntimeError(f"the standby did not replay up to {lsn} within {timeout} s")
            time.sleep(0.05)
        return time.time() - started

    def standby_reads(self):
        """What shows that the replica pool reads from the standby: the standby's counters for
        database latch and its latch-tokens connections."""
        row = self.standby_psql(
            "SELECT d.xact_commit, d.tup_fetched, (SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = 'latch' AND application_name = 'latch-tokens') "
            "FROM pg_stat_database d WHERE d.datname = 'latch'")[0]
        return {"xact_commit": int(row[0]), "tup_fetched": int(row[1]), "latch_tokens_connections": int(row[2])}

    def stop_replica(self):
        for name in self.extra_executables:
            pidfile = os.path.join(self.dir, "run", f"{name}.pid")
            try:
                with open(pidfile) as f:
                    pid = int(f.read().strip())
                os.kill(pid, signal.SIGTERM)
                deadline = time.time() + 5
                while time.time() < deadline and _running(pid):
                    time.sleep(0.05)
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)
                os.remove(pidfile)
            except (OSError, ValueError):
                pass
        self.extra_executables = []
        if self.standby:
            self._run(as_postgres([os.path.join(self.pg_bin, "pg_ctl"), "-D", self.standby["dir"], "-m", "fast", "-w",
                                   "stop"]), timeout=90, check=False)
            self.standby = None

    def replica_stop_commands(self):
        """How to stop what start_replica started, for --keep."""
        if not self.standby:
            return []
        pidfile = os.path.join(self.dir, "run", f"{REPLICA_POOL}.pid")
        pg_ctl = " ".join(as_postgres([os.path.join(self.pg_bin, "pg_ctl")]))
        return [f"kill $(cat {pidfile})", f"{pg_ctl} -D {self.standby['dir']} -m fast stop"]

    @staticmethod
    def _run(command, timeout, check=True):
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {result.stdout}{result.stderr}")
        return result

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
