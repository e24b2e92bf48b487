"""The real topology on one machine (issue 17, README "Running latch for real"): the stack's
own cluster as the primary, a hot standby made with `pg_basebackup -R` streaming from it and
named in the primary's `synchronous_standby_names`, and latch's executables pointed at both
with a multi-host URL (`target_session_attrs=read-write`). Faults are real signals to the
server's processes; promotion is `pg_ctl promote`. Every wait is bounded."""
import os
import shutil
import signal
import subprocess
import time

from hapg import as_postgres, own
from latchstack import PG_BIN, free_port


def run(cmd, timeout=120, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stdout}{r.stderr}")
    return r


def cluster_pids(data_dir):
    """The postmaster of a data directory and every process it started."""
    with open(os.path.join(data_dir, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    children = run(["pgrep", "-P", str(postmaster)], check=False).stdout.split()
    return [postmaster] + [int(p) for p in children]


def signal_cluster(data_dir, sig):
    for pid in cluster_pids(data_dir):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


class Standby:
    """A hot standby of `stack`'s cluster on 127.0.0.1:port, streaming as `name`."""

    def __init__(self, stack, name="standby1"):
        self.stack = stack
        self.name = name
        self.dir = os.path.join(stack.dir, name)
        self.sock = os.path.join(stack.dir, name + "sock")
        self.port = free_port()

    def create(self):
        for path in (self.dir, self.sock):
            os.makedirs(path, exist_ok=True)
            own(path)
        os.chmod(self.dir, 0o700)
        run(as_postgres([os.path.join(PG_BIN, "pg_basebackup"), "-h", os.path.join(self.stack.dir, "pgsock"),
                         "-p", str(self.stack.pg_port), "-U", "postgres", "-D", self.dir, "-R", "-X", "stream", "-c", "fast",
                         "-d", f"application_name={self.name}"]), timeout=120)
        self.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.stack.scalar(f"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{self.name}' "
                                 "AND state = 'streaming'") == "1":
                return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} is not streaming")

    def start(self):
        log = os.path.join(self.stack.dir, "log", f"{self.name}.log")
        if not os.path.exists(log):
            open(log, "w").close()
            own(log)
        run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.dir, "-l", log, "-w", "-t", "60", "-o",
                         f"-k {self.sock} -p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                         "-c synchronous_standby_names=''", "start"]))

    def promote(self):
        run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.dir, "-w", "-t", "60", "promote"]))

    def stop(self, mode="immediate"):
        run(as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.dir, "-m", mode, "-w", "stop"]), check=False)

    def psql(self, sql):
        out = run([os.path.join(PG_BIN, "psql"), "-h", self.sock, "-p", str(self.port), "-U", "postgres", "-d", "latch",
                   "-AtqX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        return [line.split("\t") for line in out.stdout.splitlines() if line != ""]

    def scalar(self, sql):
        rows = self.psql(sql)
        return rows[0][0] if rows else None


def make_synchronous(stack, names="*"):
    """The primary waits for a standby's flush before a commit returns."""
    stack.psql(f"ALTER SYSTEM SET synchronous_standby_names = '{names}'")
    stack.psql("SELECT pg_reload_conf()")
    assert stack.wait_until(lambda: stack.scalar("SHOW synchronous_standby_names") == names, timeout=10)
    assert stack.wait_until(lambda: stack.scalar("SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')") != "0",
                            timeout=10)


def multi_host_url(stack, standby):
    return (f"host=127.0.0.1,127.0.0.1 port={stack.pg_port},{standby.port} dbname=latch user=postgres "
            "target_session_attrs=read-write")


class Topology:
    """A stack turned into primary + synchronous standby, its executables on both."""

    def __init__(self, stack):
        self.created = time.time()
        self.stack = stack
        self.standby = Standby(stack).create()
        make_synchronous(stack)
        stack.app_database_url = multi_host_url(stack, self.standby)
        stack.up()
        self.primary_dir = os.path.join(stack.dir, "pg")

    def kill_primary(self):
        signal_cluster(self.primary_dir, signal.SIGKILL)

    def freeze_primary(self):
        signal_cluster(self.primary_dir, signal.SIGSTOP)

    def tear_down(self):
        # A frozen or killed primary must never come back next to the promoted standby.
        try:
            signal_cluster(self.primary_dir, signal.SIGKILL)
        except (OSError, ValueError):
            pass
        self.standby.stop()
        # Its stack goes now, not at the end of the session: the suite's later tests get the CPU.
        self.stack.down()
