"""bench/run: builds release binaries, brings up a private latch stack, measures each path
with wrk through nginx next to its ceilings (pgbench running the same SQL, nginx
`return 200`), and prints the table; writes JSON and a PNG chart.

With --rounds N every selected path is measured N times, round by round (A B C, A B C, ...),
and reported by its median; a "bars" table then compares the pairs issues 15-17 set a bar on
(authorize_exchange_metadata / authorize_exchange >= 0.90, exchange_openid_rs256 and _es256 /
exchange >= 0.85, userinfo / check >= 0.90, check_replica / check reported). Example:
  bench/run --rounds 3 --duration 10 --paths check,check_replica,userinfo"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from paths import ALL, BY_NAME

from . import report
from .chart import write_chart
from .loadgen import run_pgbench, run_wrk
from .memory import Sampler, snapshot
from .path import Context, sql_file
from .stack import BENCH, ROOT, BenchStack

READ_POOL = 20_000          # live tokens the read paths cycle through
DEFAULT_WRITE_RATE = 12_000  # req/s a write path's data pool is sized for when no ceiling says more
MAX_WRITE_RATE = 30_000
PGBENCH_RATE = 16_000       # tx/s pgbench's write pools are sized for



# PostgreSQL settings of the bench stack besides shared_buffers (--shared-buffers), as a tuned
# server would have them. wal_compression: right after a checkpoint every page a statement
# changes first goes into the WAL whole; with 5M tokens the random-key index pages a token
# request touches are nearly all such first changes, and compressing those images is what
# keeps the large-table runs near the small ones (exchange at 5M rows: 0.87 -> 0.94).
PG_SETTINGS = ["wal_compression=lz4"]

# Pairs of paths whose ratio an issue sets a bar on (None: reported, no bar), measured in one
# run; the bars table compares the paths' medians.
BARS = [
    ("authorize_exchange_metadata", "authorize_exchange", 0.90, "issue 15: a metadata client within 10 % of a registered one"),
    ("exchange_openid_rs256", "exchange", 0.85, "issue 16: ID token RS256"),
    ("exchange_openid_es256", "exchange", 0.85, "issue 16: ID token ES256"),
    ("userinfo", "check", 0.90, "issue 16: userinfo within 10 % of /oauth2/check"),
    ("check_replica", "check", None, "issue 17: the gate with and without the read replica"),
]

# What one signature costs on this machine (openssl speed, one core), measured when a path
# that signs ID tokens is: it explains those paths' rows.
SIGNATURES = [("RSA-2048", "rsa2048", "RS256"), ("ECDSA P-256", "ecdsap256", "ES256")]


def openssl_sign_rate(algorithm, seconds=2):
    """sign/s of `openssl speed -seconds N ALGORITHM` (one core), or None. The column is found
    by its header, counted from the end (the row's label has spaces)."""
    try:
        result = subprocess.run(["openssl", "speed", "-seconds", str(seconds), algorithm],
                                capture_output=True, text=True, timeout=seconds * 4 + 60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        header = line.split()
        if "sign/s" in header and i + 1 < len(lines):
            values = lines[i + 1].split()
            try:
                return float(values[len(values) - (len(header) - header.index("sign/s"))])
            except (ValueError, IndexError):
                return None
    return None


def bars(paths):
    """One row per pair of BARS whose two paths were both measured: the ratio of their medians,
    each round's ratio (same round, both paths), the bar and the verdict."""
    by_name = {entry["name"]: entry for entry in paths if entry.get("latch")}
    out = []
    for name, base, bar, why in BARS:
        if name not in by_name or base not in by_name:
            continue
        a, b = by_name[name], by_name[base]
        ratio = round(a["latch"]["rps"] / b["latch"]["rps"], 3) if b["latch"]["rps"] else None
        per_round = [round(x / y, 3) if y else None for x, y in zip(a.get("rounds") or [], b.get("rounds") or [])]
        verdict = "-" if bar is None or ratio is None else ("meets" if ratio >= bar else "misses")
        out.append({"pair": f"{name} / {base}", "path": name, "base": base, "ratio": ratio, "rounds": per_round,
                    "bar": bar, "verdict": verdict, "why": why})
    return out


def median_run(runs):
    """The run of the median req/s (for an even count, the lower middle one), its req/s the
    median over all runs; non-2xx, socket errors and a wrapped data pool summed over all runs
    (an error in any round shows)."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    run = dict(ordered[(len(ordered) - 1) // 2])
    if len(runs) > 1:
        run["rps"] = round(statistics.median(r["rps"] for r in runs), 1)
        run["median_of"] = len(runs)
        for key in ("non_2xx", "socket_errors", "wrapped"):
            run[key] = sum(r[key] for r in runs)
    return run


def say(text=""):
    print(text, flush=True)


def parse(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10, help="seconds of each measured run (default 10)")
    p.add_argument("--warmup", type=float, default=3, help="seconds of the warm-up run before each measured run (default 3; 0: none)")
    p.add_argument("--connections", type=int, default=32, help="wrk connections and pgbench clients (default 32)")
    p.add_argument("--threads", type=int, default=2, help="wrk and pgbench threads (default 2)")
    p.add_argument("--workers", type=int, default=6,
                   help="FastCGI workers per executable (default 6: measured best for the token paths here)")
    p.add_argument("--paths", default=",".join(p.name for p in ALL),
                   help="comma-separated paths to measure, in this order in every round (default: all): "
                        + ", ".join(p.name for p in ALL) + ". check_replica makes a hot standby of the bench "
                        "cluster and a second latch-tokens pool reading from it (README \"Benchmarks\")")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure the selected paths this many times, interleaved round by round (A B C, A B C, ...) "
                        "on the same stack; each path's figure is the median (default 1; the ceilings are measured "
                        "once, in the first round). One run of a path varies by 6-10%% on a 2-core machine: compare "
                        "paths of one run over 3 or more rounds")
    p.add_argument("--no-ceilings", action="store_true", help="skip the nginx return-200 and pgbench ceilings")
    p.add_argument("--soak", type=float, default=0, metavar="SECONDS",
                   help="also run each --soak-paths path this long and report worker RSS growth (e.g. 60)")
    p.add_argument("--soak-paths", default="discovery-uncached,exchange", help="paths of the soak run")
    p.add_argument("--rows", type=int, default=0,
                   help="also pre-fill the tokens table to this many rows (e.g. 5000000) and re-run exchange and check")
    p.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                   help="another PostgreSQL setting of the bench stack (repeatable; after the bench's own: "
                        + ", ".join(PG_SETTINGS) + ")")
    p.add_argument("--shared-buffers", default="1GB",
                   help="PostgreSQL shared_buffers of the bench stack (default 1GB: the 5M-row tokens table's "
                        "index and hot rows fit, as on a tuned server; PostgreSQL's own default is 128MB)")
    p.add_argument("--base-rows", type=int, default=10_000, help="filler rows in the tokens table for the normal runs")
    p.add_argument("--out", default=os.path.join(BENCH, "results", "latest.json"), help="JSON results file")
    p.add_argument("--chart", default=None, help="PNG chart (default: next to --out, .png)")
    p.add_argument("--chart-backend", choices=["auto", "matplotlib", "tiny"], default="auto")
    p.add_argument("--debug", action="store_true", help="use a debug build instead of release")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built")
    p.add_argument("--no-install", action="store_true", help="install nothing (no apt-get, no pip)")
    p.add_argument("--keep", action="store_true",
                   help="leave the stack running (prints its directory; with check_replica also how to stop the "
                        "standby and its latch-tokens pool)")
    args = p.parse_args(argv)
    args.paths = [n.strip() for n in args.paths.split(",") if n.strip()]
    args.soak_paths = [n.strip() for n in args.soak_paths.split(",") if n.strip()]
    for name in args.paths + args.soak_paths:
        if name not in BY_NAME:
            p.error(f"unknown path {name!r}; paths: {', '.join(BY_NAME)}")
    if args.duration <= 0 or args.connections <= 0 or args.threads <= 0 or args.workers <= 0 or args.rounds <= 0:
        p.error("--duration, --connections, --threads, --workers and --rounds must be positive")
    args.chart = args.chart or os.path.splitext(args.out)[0] + ".png"
    return args


def ensure_tools(args):
    if shutil.which("wrk") is None:
        if args.no_install:
            raise SystemExit("bench/run: wrk is not installed (apt-get install wrk)")
        say("installing wrk (apt)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if args.chart_backend != "tiny" and not args.no_install:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            say("installing matplotlib (pip) for the chart; without it the built-in PNG writer draws it")
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "matplotlib"],
                           capture_output=True, timeout=600)


def version(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (result.stdout + result.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = BenchStack(args.workers, release=not args.debug, build=not args.no_build, log=say,
                                pg_settings=[f"shared_buffers={args.shared_buffers}"] + PG_SETTINGS + args.pg_setting)
        self.memory = {}
        self.results = {
            "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "config": {"duration_s": args.duration, "warmup_s": args.warmup, "connections": args.connections,
                       "threads": args.threads, "workers": args.workers, "rounds": args.rounds, "build": "debug" if args.debug else "release",
                       "base_rows": args.base_rows, "synchronous_commit": None, "shared_buffers": None, "wal_compression": None},
            "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "load_at_start": os.getloadavg()[0],
                        "nginx": version(["nginx", "-v"]), "wrk": version(["wrk", "-v"]),
                        "commit": version(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])},
            "ceilings": {}, "paths": [], "memory": self.memory,
        }

    # -- steps -------------------------------------------------------------------------------
    def run(self):
        args = self.args
        started = time.time()
        say(f"==> latch stack in a temporary directory ({'debug' if args.debug else 'release'} build, "
            f"{args.workers} workers per executable)")
        self.stack.up()
        self.ctx = Context(self.stack, tempfile.mkdtemp(prefix="data-", dir=self.stack.dir))
        self.ctx.install_fixtures()
        self.results["machine"]["postgresql"] = self.stack.scalar("SHOW server_version")
        self.results["config"]["synchronous_commit"] = self.stack.scalar("SHOW synchronous_commit")
        self.results["config"]["shared_buffers"] = self.stack.scalar("SHOW shared_buffers")
        self.results["config"]["wal_compression"] = self.stack.scalar("SHOW wal_compression")
        self.reset_tables(args.base_rows)
        selected = [BY_NAME[n] for n in args.paths]
        if any(BY_NAME[n].replica for n in args.paths + args.soak_paths):
            say("==> read replica: a hot standby of the bench cluster and a latch-tokens pool reading from it")
            self.stack.start_replica(args.workers)
            self.results["replica"] = {"standby_port": self.stack.standby["port"],
                                       "read_database_url": f"host=127.0.0.1 port={self.stack.standby['port']} "
                                                            "dbname=latch user=postgres"}

        say("==> probing the endpoints (a path whose endpoint answers 404 is not available yet)")
        availability = {}
        for path in {p.name: p for p in selected + [BY_NAME[n] for n in args.soak_paths] +
                     ([BY_NAME["exchange"], BY_NAME["check"]] if args.rows else [])}.values():
            availability[path.name] = self.probe(path)
            say(f"    {path.name:20} {availability[path.name] or 'available'}")
        self.sample_memory("idle")

        if not args.no_ceilings:
            say("==> ceiling: nginx return 200")
            self.results["ceilings"]["nginx_return_200"] = self.measure_wrk("/bench/return-200", "discovery.lua", [])
        nginx_rps = self.results["ceilings"].get("nginx_return_200", {}).get("rps")

        entries = []
        for path in selected:
            entry = {"name": path.name, "title": path.title, "method": path.method, "url_path": path.url_path,
                     "executable": path.executable, "pgbench_script": path.pgbench}
            self.results["paths"].append(entry)
            entries.append((path, entry))
            if availability[path.name]:
                entry["status"] = availability[path.name]
        # Round by round, every path in the given order (A B C, A B C, ...) on the same stack:
        # a path's figure is the median of its rounds. The ceilings are measured in the first.
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                say(f"==> round {number} of {args.rounds}")
            for path, entry in entries:
                if number == 1:
                    self.measure_ceiling(path, entry)
                if entry.get("status"):
                    if number == 1:
                        say(f"==> {path.name}: {entry['status']}")
                    continue
                if path.resets_tables:
                    self.reset_tables(args.base_rows)
                say(f"==> {path.name}: {path.title}" + (f" (round {number} of {args.rounds})" if args.rounds > 1 else ""))
                result = self.measure_latch(path, entry.get("ceiling_rps"))
                result.pop("_sampler", None)
                entry.setdefault("runs", []).append(result)
                say(f"    {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
                    f"p99 {result['p99_ms']:.2f} ms, non-2xx {result['non_2xx']}")
        for path, entry in entries:
            runs = entry.pop("runs", None)
            if not runs:
                continue
            entry["latch"] = median_run(runs)
            if path.pgbench_of and not entry.get("ceiling_rps"):   # its path came later in the order
                shared = next((e for e in self.results["paths"] if e["name"] == path.pgbench_of), {})
                entry["ceiling_rps"] = shared.get("ceiling_rps")
            entry["rounds"] = [run["rps"] for run in runs]
            if len(runs) > 1:
                entry["round_runs"] = [{k: run[k] for k in ("rps", "p50_ms", "p99_ms", "non_2xx", "socket_errors",
                                                            "wrapped", "requests")} for run in runs]
            if entry.get("ceiling_rps"):
                entry["ratio"] = round(entry["latch"]["rps"] / entry["ceiling_rps"], 3)
            if nginx_rps:
                entry["ratio_nginx"] = round(entry["latch"]["rps"] / nginx_rps, 3)

        self.results["bars"] = bars(self.results["paths"])
        if any(p.name.startswith("exchange_openid") for p in selected):
            self.results["signatures"] = self.signatures()

        if args.soak:
            self.results["soak"] = self.soak(availability)
        if args.rows:
            self.results["scale"] = self.scale(availability)
        self.sample_memory("after")
        self.results["machine"]["load_at_end"] = os.getloadavg()[0]
        self.results["elapsed_s"] = round(time.time() - started, 1)

    def standby_evidence(self, before, result):
        """That the replica pool read from the standby during the measured run: the standby's
        committed transactions and fetched tuples in database latch grew, and latch-tokens has
        connections there. Backends report their counters about once a second, so with short
        runs the growth is a lower bound."""
        time.sleep(1.1)
        after = self.stack.standby_reads()
        evidence = {"xact_commit": after["xact_commit"] - before[0]["xact_commit"],
                    "tup_fetched": after["tup_fetched"] - before[0]["tup_fetched"],
                    "latch_tokens_connections": after["latch_tokens_connections"],
                    "primary_xact_commit": self.primary_commits() - before[1]}
        # Most of the requests' lookups on the standby, not on the primary (the counters lag
        # by up to a second, hence "most").
        evidence["reads_on_standby"] = (evidence["latch_tokens_connections"] > 0
                                        and evidence["xact_commit"] > evidence["primary_xact_commit"])
        say(f"    standby during the run: +{evidence['xact_commit']:,} transactions, +{evidence['tup_fetched']:,} tuples "
            f"fetched, {evidence['latch_tokens_connections']} latch-tokens connections; primary +"
            f"{evidence['primary_xact_commit']:,} transactions; {result['requests']:,} requests: "
            + ("the gate read from the standby" if evidence["reads_on_standby"] else "NOT READING FROM THE STANDBY"))
        return evidence

    def primary_commits(self):
        return int(self.stack.scalar("SELECT xact_commit FROM pg_stat_database WHERE datname = 'latch'"))

    def signatures(self):
        out = []
        for label, algorithm, jose in SIGNATURES:
            say(f"==> openssl speed -seconds 2 {algorithm} (one core)")
            rate = openssl_sign_rate(algorithm)
            entry = {"name": label, "jose": jose, "openssl": algorithm, "sign_per_s": rate,
                     "sign_ms": round(1000 / rate, 4) if rate else None}
            out.append(entry)
            say("    " + report.signature_line(entry))
        return out

    def measure_ceiling(self, path, entry):
        """The path's pgbench ceiling (first round only), or the one of the path it shares."""
        args = self.args
        if not args.no_ceilings and path.pgbench:
            if path.resets_tables:
                self.reset_tables(args.base_rows)
            say(f"==> {path.name}: ceiling: pgbench {path.pgbench}")
            entry["pgbench"] = self.measure_pgbench(path)
            entry["ceiling_rps"] = entry["pgbench"]["tps"] if not entry["pgbench"]["aborted"] else None
        elif path.pgbench_of:
            shared = next((e for e in self.results["paths"] if e["name"] == path.pgbench_of), None)
            entry["ceiling_rps"] = shared.get("ceiling_rps") if shared else None

    def reset_tables(self, rows):
        self.stack.psql(file=sql_file("reset.sql"))
        self.stack.psql(file=sql_file("fill.sql"), variables={"rows": rows})

    def probe(self, path):
        lines = path.prepare(self.ctx, 1)
        path.before_requests(self.ctx)
        method, url, headers, body = path.request(self.ctx, lines[0] if lines else None)
        status, text = self.stack.http(method, url, headers, body)
        if status == 404:
            return "not available"
        if 200 <= status < 300:
            return None
        return f"probe answered HTTP {status}: {' '.join(text.split())[:120]}"

    def sample_memory(self, moment, executables=None):
        for executable in executables or (["latch-discovery", "latch-tokens", "latch-authorize", "latch-register"]
                                          + self.stack.extra_executables):
            for pid, sample in snapshot(self.stack.worker_pids(executable)).items():
                self.memory.setdefault(executable, {}).setdefault(str(pid), {})[moment] = sample

    def record_load(self, executable, peaks):
        for pid, sample in peaks.items():
            slot = self.memory.setdefault(executable, {}).setdefault(str(pid), {})
            if not slot.get("load") or sample["rss_kib"] > slot["load"]["rss_kib"]:
                slot["load"] = sample

    def measure_wrk(self, url_path, script, wrk_args, duration=None, warmup=None):
        duration = duration or self.args.duration
        warmup = self.args.warmup if warmup is None else warmup
        url = self.stack.base_url + url_path
        if warmup > 0:
            run_wrk(url, warmup, self.args.connections, self.args.threads, script, wrk_args)
        return run_wrk(url, duration, self.args.connections, self.args.threads, script, wrk_args)

    def pool_size(self, path, seconds, ceiling):
        if path.kind == "read":
            return READ_POOL
        if path.kind == "static":
            return 1
        rate = min(MAX_WRITE_RATE, max(DEFAULT_WRITE_RATE if not ceiling else 2000, (ceiling or 0) * 1.5))
        return int(math.ceil(rate * seconds * 1.25)) + 500

    def prepare_data(self, path, seconds, ceiling, name):
        count = self.pool_size(path, seconds, ceiling)
        lines = path.prepare(self.ctx, count)
        return self.ctx.data_file(f"{path.name}-{name}.txt", lines) if lines else None

    def settle(self):
        """Fresh rows vacuumed (hint bits, visibility map) and a checkpoint, so that the
        warm-up run, not the measured one, pays for full-page images."""
        self.stack.psql("VACUUM (ANALYZE) authorization_codes, grants, tokens, clients, client_secrets, users, scopes")
        self.stack.checkpoint()

    def measure_latch(self, path, ceiling, duration=None):
        duration = duration or self.args.duration
        args = self.args
        warm_file = self.prepare_data(path, args.warmup, ceiling, "warmup") if args.warmup > 0 else None
        run_file = (self.prepare_data(path, duration, ceiling, "run")
                    if path.kind == "write" or warm_file is None else warm_file)
        self.settle()
        path.before_requests(self.ctx)
        url = self.stack.base_url + path.url_path
        if args.warmup > 0:
            run_wrk(url, args.warmup, args.connections, args.threads, path.lua,
                    path.wrk_args(self.ctx, warm_file, args.threads))
        pids = self.stack.worker_pids(path.executable)
        standby_before = (self.stack.standby_reads(), self.primary_commits()) if path.replica else None
        with Sampler(pids) as sampler:
            result = run_wrk(url, duration, args.connections, args.threads, path.lua,
                             path.wrk_args(self.ctx, run_file, args.threads))
        if path.replica:
            result["standby"] = self.standby_evidence(standby_before, result)
        self.record_load(path.executable, sampler.peak)
        result["worker_rss_peak_kib"] = {str(pid): s["rss_kib"] for pid, s in sampler.peak.items()}
        result["_sampler"] = sampler
        return result

    def measure_pgbench(self, path):
        args = self.args
        clients, warm, run = args.connections, args.warmup, args.duration
        warm_per_client = int(math.ceil(PGBENCH_RATE * warm / clients)) + 50 if warm > 0 else 0
        run_per_client = int(math.ceil(PGBENCH_RATE * run / clients)) + 50
        defines = self.ctx.pgbench_defines()
        defines.update(path.prepare_pgbench(self.ctx, clients, warm_per_client + run_per_client))
        self.settle()
        warm_tx = 0
        if warm > 0:
            warm_result = run_pgbench(self.stack, path.pgbench, warm, clients, args.threads, dict(defines, base=0))
            warm_tx = warm_result["transactions"]
        result = run_pgbench(self.stack, path.pgbench, run, clients, args.threads,
                             dict(defines, base=warm_per_client))
        done = path.pgbench_work_done(self.ctx)
        if path.kind == "write" and result["max_per_client"] > run_per_client:
            result["warning"] = "pool exhausted: some transactions found no code/token"
        elif done is not None and done < (warm_tx + result["transactions"]) * 0.999:
            result["warning"] = f"only {done} of {warm_tx + result['transactions']} transactions did their work"
        say(f"    {result['tps']:,.0f} tps, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms"
            + (f"  ABORTED: {result['error']}" if result["aborted"] else "")
            + (f"  WARNING: {result['warning']}" if result.get("warning") else ""))
        return result

    def soak(self, availability):
        runs = []
        for name in self.args.soak_paths:
            path = BY_NAME[name]
            if availability.get(name):
                runs.append({"name": name, "status": availability[name]})
                continue
            say(f"==> soak: {name} for {self.args.soak:g} s")
            if path.resets_tables:
                self.reset_tables(self.args.base_rows)
            ceiling = next((e.get("ceiling_rps") for e in self.results["paths"] if e["name"] == name), None)
            result = self.measure_latch(path, ceiling, duration=self.args.soak)
            sampler = result.pop("_sampler")
            workers = {str(pid): {"start": sampler.first[pid], "end": sampler.last[pid], "peak": sampler.peak[pid]}
                       for pid in sampler.first if pid in sampler.last}
            runs.append({"name": name, "executable": path.executable, "latch": result, "workers": workers})
            growth = max((w["end"]["rss_kib"] - w["start"]["rss_kib"] for w in workers.values()), default=0)
            say(f"    {result['rps']:,.0f} req/s; largest worker RSS growth {growth} KiB")
        return runs

    def scale(self, availability):
        args = self.args
        say(f"==> scale: tokens table pre-filled to {args.rows:,} rows")
        self.stack.psql(file=sql_file("reset.sql"))
        started = time.time()
        self.stack.psql(file=sql_file("fill.sql"), variables={"rows": args.rows})
        fill_seconds = round(time.time() - started, 1)
        say(f"    filled in {fill_seconds} s")
        out = {"rows": args.rows, "base_rows": args.base_rows, "fill_seconds": fill_seconds, "paths": []}
        for name in ("exchange", "check"):
            path = BY_NAME[name]
            small = next((e for e in self.results["paths"] if e["name"] == name), {})
            run = {"name": name, "small_rps": small.get("latch", {}).get("rps"),
                   "pgbench_small": small.get("pgbench", {}).get("tps")}
            if not args.no_ceilings:
                say(f"==> scale: {name}: pgbench {path.pgbench} at {args.rows:,} rows")
                pg = self.measure_pgbench(path)
                run["pgbench_large"] = pg["tps"]
                if run["pgbench_small"]:
                    run["pgbench_ratio"] = round(pg["tps"] / run["pgbench_small"], 3)
            if availability.get(name):
                run["status"] = availability[name]
            else:
                say(f"==> scale: {name} at {args.rows:,} rows")
                result = self.measure_latch(path, small.get("ceiling_rps"))
                result.pop("_sampler", None)
                run["large"] = result
                run["large_rps"] = result["rps"]
                if run["small_rps"]:
                    run["ratio"] = round(result["rps"] / run["small_rps"], 3)
            out["paths"].append(run)
        return out

    # -- output ------------------------------------------------------------------------------------
    def write_outputs(self):
        for entry in self.results["paths"]:
            if entry.get("latch"):
                entry["latch"].pop("_sampler", None)
        os.makedirs(os.path.dirname(os.path.abspath(self.args.out)), exist_ok=True)
        with open(self.args.out, "w") as f:
            json.dump(self.results, f, indent=2, default=str)
        rows = [(e["name"], e.get("latch", {}).get("rps"), e.get("ceiling_rps")) for e in self.results["paths"]]
        nginx = self.results["ceilings"].get("nginx_return_200", {}).get("rps")
        title = (f"latch {self.results['machine'].get('commit') or ''}: {self.args.connections} connections, "
                 f"{self.args.workers} workers, {self.results['machine']['cpus']} cores")
        os.makedirs(os.path.dirname(os.path.abspath(self.args.chart)), exist_ok=True)
        self.results["chart_backend"] = write_chart(self.args.chart, rows, nginx, title, self.args.chart_backend)
        with open(self.args.out, "w") as f:
            json.dump(self.results, f, indent=2, default=str)

    def print_report(self):
        r = self.results
        say()
        say(f"latch benchmark: {r['machine']['cpus']} cores, nginx + PostgreSQL {r['machine'].get('postgresql')} "
            f"(synchronous_commit={r['config']['synchronous_commit']}, shared_buffers={r['config'].get('shared_buffers')}, "
            f"wal_compression={r['config'].get('wal_compression')}) + wrk on one machine; "
            f"{r['config']['connections']} connections, {r['config']['duration_s']:g} s per run, "
            f"{r['config']['workers']} workers per executable, {r['config']['build']} build, "
            f"tokens table {r['config']['base_rows']:,} filler rows")
        load = (r["machine"]["load_at_start"], r["machine"].get("load_at_end", 0))
        say(f"load average {load[0]:.1f} before the run, {load[1]:.1f} at its end"
            + ("  (other work was running: every figure is lower than on an idle machine)" if load[0] > 1.0 else ""))
        say()
        say(report.throughput_table(r))
        if r.get("bars"):
            say()
            say(report.bars_table(r["bars"]))
        for entry in r.get("signatures") or []:
            say(report.signature_line(entry))
        pg = report.pgbench_table(r)
        if pg:
            say()
            say(pg)
        say()
        say(report.memory_table(r["memory"]))
        if r.get("soak"):
            say()
            say(report.soak_table(r["soak"]))
        if r.get("scale"):
            say()
            say(report.scale_table(r["scale"]))
        say()
        say(f"results: {os.path.relpath(self.args.out)}   chart: {os.path.relpath(self.args.chart)} "
            f"({r.get('chart_backend')})   elapsed: {r.get('elapsed_s')} s")


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    ensure_tools(args)
    bench = Bench(args)
    try:
        bench.run()
    finally:
        if args.keep:
            say(f"stack left running in {bench.stack.dir} (deploy/stack down --dir {bench.stack.dir})")
            for command in bench.stack.replica_stop_commands():
                say(f"  and, before that, the read replica's pool and standby: {command}")
        else:
            bench.stack.down()
    bench.write_outputs()
    bench.print_report()
    return 0
