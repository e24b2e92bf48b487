"""The printed tables."""


def number(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def table(headers, rows, align=None):
    """A plain-text table; `align` is a string of 'l'/'r' per column."""
    align = align or "l" + "r" * (len(headers) - 1)
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(cell.ljust(widths[i]) if align[i] == "l" else cell.rjust(widths[i])
                         for i, cell in enumerate(row)).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


def throughput_table(results):
    """One row per path: latch's req/s, p50, p99 and non-2xx through nginx, the path's
    ceiling (pgbench of the same SQL) and the ratios to it and to nginx `return 200`."""
    headers = ["path", "req/s", "p50 ms", "p99 ms", "non-2xx", "ceiling req/s", "ratio", "vs nginx"]
    # Several rounds: req/s is the median, p50/p99 those of the median run, non-2xx summed;
    # the last column has every round's req/s in order.
    rounds = any(len(path.get("rounds") or []) > 1 for path in results["paths"])
    if rounds:
        headers[1] = "req/s (median)"
        headers.append("rounds")
    rows = []
    nginx = results.get("ceilings", {}).get("nginx_return_200")
    if nginx:
        rows.append(["nginx return 200 (ceiling)", number(nginx["rps"]), number(nginx["p50_ms"], 2),
                     number(nginx["p99_ms"], 2), number(nginx["non_2xx"]), "—", "—", "1.00"] + ([""] if rounds else []))
    for path in results["paths"]:
        latch = path.get("latch")
        ceiling = path.get("ceiling_rps")
        if latch:
            flags = []
            if latch["socket_errors"]:
                flags.append(f"{latch['socket_errors']} socket errors")
            if latch["wrapped"]:
                flags.append("data pool ran out: credentials reused")
            name = path["name"] + (f"  [{'; '.join(flags)}]" if flags else "")
            rows.append([name, number(latch["rps"]), number(latch["p50_ms"], 2), number(latch["p99_ms"], 2),
                         number(latch["non_2xx"]), number(ceiling), number(path.get("ratio"), 2),
                         number(path.get("ratio_nginx"), 2)]
                        + ([" / ".join(number(rps) for rps in path.get("rounds") or [])] if rounds else []))
        else:
            rows.append([path["name"], path.get("status", "not available"), "", "", "", number(ceiling), "", ""]
                        + ([""] if rounds else []))
    return table(headers, rows)


def bars_table(bars):
    """The pairs an issue sets a bar on (median over rounds), with each round's ratio."""
    multi = any(len(b["rounds"]) > 1 for b in bars)
    headers = ["pair", "ratio", "bar", "verdict"] + (["rounds"] if multi else [])
    rows = [[b["pair"], number(b["ratio"], 3), f"≥ {b['bar']:.2f}" if b["bar"] is not None else "—", b["verdict"]]
            + ([" / ".join(number(r, 3) for r in b["rounds"])] if multi else []) for b in bars]
    return table(headers, rows, "lrrl" + ("r" if multi else ""))


def signature_line(entry):
    if not entry.get("sign_per_s"):
        return f"{entry['name']} sign: not measured (openssl speed {entry['openssl']} failed)"
    return (f"{entry['name']} sign: {entry['sign_per_s']:,.0f} /s per core (openssl speed) = "
            f"{entry['sign_ms']:.3f} ms ({entry['jose']})")


def pgbench_table(results):
    headers = ["pgbench script (same SQL, PostgreSQL alone)", "tps", "p50 ms", "p99 ms", "failed", "note"]
    rows = []
    for path in results["paths"]:
        pg = path.get("pgbench")
        if not pg:
            continue
        note = "aborted: " + (pg.get("error") or "").splitlines()[0][:60] if pg.get("aborted") else (pg.get("warning") or "")
        rows.append([path["pgbench_script"], number(pg["tps"]), small(pg["p50_ms"]), small(pg["p99_ms"]),
                     number(pg["failed"]), note])
    return table(headers, rows) if rows else ""


def small(milliseconds):
    """pgbench's per-transaction clock is coarse (it reuses one reading across clients):
    below 0.01 ms it says nothing precise."""
    return "<0.01" if milliseconds < 0.01 else number(milliseconds, 2)


def memory_table(memory):
    headers = ["executable", "worker", "idle RSS MiB", "load RSS MiB", "after RSS MiB", "load anon MiB"]
    rows = []
    for executable, workers in sorted(memory.items()):
        for pid, m in sorted(workers.items(), key=lambda item: int(item[0])):
            rows.append([executable, pid, mib(m.get("idle")), mib(m.get("load")), mib(m.get("after")),
                         mib(m.get("load"), "anon_kib")])
    return table(headers, rows)


def mib(sample, key="rss_kib"):
    return "—" if not sample else f"{sample[key] / 1024:.1f}"


def soak_table(soak):
    headers = ["soak path", "seconds", "req/s", "non-2xx", "worker", "RSS start MiB", "RSS end MiB", "growth KiB"]
    rows = []
    for run in soak:
        if not run.get("latch"):
            rows.append([run["name"], "", run.get("status", "not available"), "", "", "", "", ""])
            continue
        for pid, m in sorted(run["workers"].items(), key=lambda item: int(item[0])):
            rows.append([run["name"], number(run["latch"]["seconds"]), number(run["latch"]["rps"]),
                         number(run["latch"]["non_2xx"]), pid, mib(m["start"]), mib(m["end"]),
                         number(m["end"]["rss_kib"] - m["start"]["rss_kib"])])
    return table(headers, rows)


def scale_table(scale):
    headers = ["path", f"req/s at {scale['base_rows']:,} rows", f"req/s at {scale['rows']:,} rows", "ratio",
               "pgbench small", "pgbench large", "ratio"]
    rows = []
    for run in scale["paths"]:
        rows.append([run["name"], number(run.get("small_rps")) if run.get("small_rps") else run.get("status", "—"),
                     number(run.get("large_rps")) if run.get("large_rps") else "—", number(run.get("ratio"), 2),
                     number(run.get("pgbench_small")), number(run.get("pgbench_large")),
                     number(run.get("pgbench_ratio"), 2)])
    return table(headers, rows)
