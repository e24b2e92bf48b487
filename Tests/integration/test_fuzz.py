"""The libFuzzer pass as a CI check: fuzz/run builds every target in fuzz/targets against
LatchCore (-sanitize=fuzzer,address), runs each for a few seconds, and must find nothing."""
import os
import re
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN = os.path.join(ROOT, "fuzz", "run")
TARGETS = sorted(name[:-len(".swift")] for name in os.listdir(os.path.join(ROOT, "fuzz", "targets"))
                 if name.endswith(".swift"))
# About 60 seconds in all (once built): each target also spends ~2 s starting, loading its
# seeds and checking for leaks at exit.
SECONDS_PER_TARGET = max(1, (60 - 2 * len(TARGETS)) // len(TARGETS))
ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def parse_table(output):
    """{target: (executions, exec_per_second, crashes, leaks, timeouts, ooms)} from the table."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.split()[:3] == ["target", "executions", "exec/s"]), None)
    assert start is not None, "fuzz/run printed no result table:\n" + output[-3000:]
    rows = {}
    for line in lines[start + 1:]:
        if line.startswith("total"):
            break
        match = ROW.match(line)
        assert match, f"unreadable table row {line!r}"
        rows[match.group(1)] = tuple(int(match.group(i)) for i in range(2, 8))
    return rows


def test_every_fuzz_target_runs_without_findings(artifacts):
    assert TARGETS, "no fuzz targets in fuzz/targets"
    try:
        result = subprocess.run([RUN, "--seconds-per-target", str(SECONDS_PER_TARGET)], cwd=ROOT,
                                capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"fuzz/run did not finish in {error.timeout} s") from error
    output = result.stdout + result.stderr
    with open(os.path.join(artifacts, "fuzz.log"), "w") as log:
        log.write(output)
    assert result.returncode != 2, "fuzz/run could not build or run the targets:\n" + output[-4000:]

    rows = parse_table(result.stdout)
    assert sorted(rows) == TARGETS, f"the table lists {sorted(rows)}, expected {TARGETS}"
    for name, (executions, _, crashes, leaks, timeouts, ooms) in rows.items():
        assert executions > 0, f"{name} ran no executions"
        assert (crashes, leaks, timeouts, ooms) == (0, 0, 0, 0), f"{name} has findings:\n" + output[-4000:]
    assert result.returncode == 0, "fuzz/run reported findings:\n" + output[-4000:]
    assert "no findings" in result.stdout
