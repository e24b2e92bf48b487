"""The two load generators: wrk against nginx on 127.0.0.1, pgbench against the stack's
PostgreSQL. Every run is bounded in time (wrk -d, pgbench -T) and by a process timeout."""
import glob
import json
import os
import re
import subprocess
import tempfile

from .stack import BENCH


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def run_wrk(url, duration, connections, threads, script, args=(), timeout_slack=60):
    """One wrk run; returns the numbers of common.lua's BENCH_RESULT line."""
    duration = max(1, int(round(duration)))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s",
               "-s", os.path.join(BENCH, "lua", script), url]
    if args:
        command += ["--"] + [str(a) for a in args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + timeout_slack)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_RESULT ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line[len("BENCH_RESULT "):])
    seconds = raw["duration_us"] / 1e6
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["latency_p50_us"] / 1000,
        "p90_ms": raw["latency_p90_us"] / 1000,
        "p99_ms": raw["latency_p99_us"] / 1000,
        "max_ms": raw["latency_max_us"] / 1000,
        "mean_ms": round(raw["latency_mean_us"] / 1000, 3),
        "non_2xx": raw["status_errors"],
        "socket_errors": socket_errors,
        "wrapped": raw["wrapped"],
        "bytes": raw["bytes"],
    }


def pgbench_script_path(name):
    """bench/sql/NAME, a pgbench script as `latchctl debug bench-sql` wrote it (whole: every
    statement it runs is in it)."""
    return os.path.join(BENCH, "sql", name)


def pgbench_script(name):
    """The text of bench/sql/NAME."""
    with open(pgbench_script_path(name)) as f:
        return f.read()


def run_pgbench(stack, script, duration, clients, threads, defines=None, transactions=None, timeout_slack=120):
    """One pgbench run of a custom script (-M prepared: each statement prepared once per
    connection, as latch does) for `duration` seconds, or `transactions` per client;
    latency percentiles from its per-transaction log."""
    duration = max(1, int(round(duration)))
    logdir = tempfile.mkdtemp(prefix="pgbench-", dir=stack.dir)
    limit = ["-t", str(transactions)] if transactions else ["-T", str(duration)]
    command = [os.path.join(stack.pg_bin, "pgbench")] + stack.pg_args + [
        "-n", "-M", "prepared", "-c", str(clients), "-j", str(threads)] + limit + [
        "-l", "--log-prefix", os.path.join(logdir, "tx"), "-f", pgbench_script_path(script)]
    for name, value in (defines or {}).items():
        command += ["-D", f"{name}={value}"]
    command.append("latch")
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + timeout_slack)
    output = result.stdout + result.stderr
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    aborted = result.returncode != 0 or "aborted" in output
    latencies = []
    per_client = {}
    for path in glob.glob(os.path.join(logdir, "tx*")):
        with open(path) as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3:
                    latencies.append(int(fields[2]))
                    per_client[fields[0]] = per_client.get(fields[0], 0) + 1
    latencies.sort()
    return {
        "tps": round(float(tps.group(1)), 1) if tps else 0.0,
        "transactions": int(processed.group(1)) if processed else len(latencies),
        "failed": int(failed.group(1)) if failed else 0,
        "aborted": aborted,
        "error": "\n".join(l for l in output.splitlines() if "error" in l.lower())[:2000] if aborted else None,
        "p50_ms": percentile(latencies, 0.50) / 1000,
        "p99_ms": percentile(latencies, 0.99) / 1000,
        "max_per_client": max(per_client.values()) if per_client else 0,
    }
