"""The chart: throughput per path (latch through nginx) next to its ceiling (pgbench
running the same SQL), with nginx `return 200` as a line; logarithmic axis. matplotlib
when it is installed, else the tiny PNG writer."""
import math

from .tinypng import Canvas

LATCH = (31, 119, 180)
CEILING = (170, 170, 170)
NGINX = (214, 39, 40)


def write_chart(path, rows, nginx_rps, title, backend="auto"):
    """rows: [(label, latch req/s or None, pgbench tps or None)]. Returns the backend used."""
    if backend in ("auto", "matplotlib"):
        try:
            _matplotlib_chart(path, rows, nginx_rps, title)
            return "matplotlib"
        except ImportError:
            if backend == "matplotlib":
                raise
    _tiny_chart(path, rows, nginx_rps, title)
    return "tiny"


def _bounds(rows, nginx_rps):
    values = [v for _, a, b in rows for v in (a, b) if v] + ([nginx_rps] if nginx_rps else [])
    low = 10 ** math.floor(math.log10(min(values))) if values else 100
    high = 10 ** math.ceil(math.log10(max(values) * 1.05)) if values else 100_000
    return low, max(high, low * 10)


def _matplotlib_chart(path, rows, nginx_rps, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.75 * max(1, len(rows))), dpi=100)
    height = 0.38
    for i, (label, latch, ceiling) in enumerate(rows):
        y = len(rows) - 1 - i
        if latch:
            ax.barh(y + height / 2, latch, height, color=[c / 255 for c in LATCH])
            ax.text(latch * 1.03, y + height / 2, f"{latch:,.0f}", va="center", fontsize=8)
        else:
            ax.text(_bounds(rows, nginx_rps)[0] * 1.1, y + height / 2, "not available", va="center", fontsize=8,
                    color="dimgray")
        if ceiling:
            ax.barh(y - height / 2, ceiling, height, color=[c / 255 for c in CEILING])
            ax.text(ceiling * 1.03, y - height / 2, f"{ceiling:,.0f}", va="center", fontsize=8, color="dimgray")
    handles = [plt.Rectangle((0, 0), 1, 1, color=[c / 255 for c in LATCH]),
               plt.Rectangle((0, 0), 1, 1, color=[c / 255 for c in CEILING])]
    names = ["latch (wrk through nginx)", "ceiling: pgbench, same SQL"]
    if nginx_rps:
        line = ax.axvline(nginx_rps, color=[c / 255 for c in NGINX], linestyle="--")
        handles.append(line)
        names.append(f"ceiling: nginx return 200 ({nginx_rps:,.0f})")
    ax.set_xscale("log")
    ax.set_xlim(*_bounds(rows, nginx_rps))
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(list(reversed(labels)))
    ax.set_xlabel("requests (transactions) per second, log scale")
    ax.set_title(title, fontsize=10)
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _tiny_chart(path, rows, nginx_rps, title):
    left, right, top, row_height, bottom = 250, 40, 70, 56, 70
    width = 1000
    height = top + row_height * max(1, len(rows)) + bottom
    canvas = Canvas(width, height)
    low, high = _bounds(rows, nginx_rps)
    span = math.log10(high) - math.log10(low)

    def x_of(value):
        return left + (width - left - right) * (math.log10(max(value, low)) - math.log10(low)) / span

    canvas.text(10, 10, title[:80], scale=2)
    canvas.rect(10, 36, 24, 48, LATCH)
    canvas.text(30, 38, "latch", scale=1)
    canvas.rect(90, 36, 104, 48, CEILING)
    canvas.text(110, 38, "pgbench, same SQL", scale=1)
    canvas.vline(230, 34, 50, NGINX, dash=3)
    canvas.text(238, 38, "nginx return 200", scale=1)
    axis_y = top + row_height * len(rows)
    exponent = math.log10(low)
    while exponent <= math.log10(high) + 1e-9:
        value = 10 ** exponent
        x = x_of(value)
        canvas.vline(x, top, axis_y, (225, 225, 225))
        label = f"{value / 1000:g}K" if value >= 1000 else f"{value:g}"
        canvas.text(int(x) - Canvas.text_width(label, 1) // 2, axis_y + 8, label, scale=1)
        exponent += 1
    canvas.hline(left, width - right, axis_y, (0, 0, 0))
    for i, (label, latch, ceiling) in enumerate(rows):
        y = top + row_height * i
        canvas.text(10, y + row_height // 2 - 7, label[:20], scale=2)
        bar = (row_height - 16) // 2
        if latch:
            canvas.rect(left, y + 6, x_of(latch), y + 6 + bar, LATCH)
            canvas.text(int(x_of(latch)) + 4, y + 6 + bar // 2 - 3, f"{latch:,.0f}", scale=1)
        else:
            canvas.text(left + 4, y + 6 + bar // 2 - 3, "not available", (100, 100, 100), scale=1)
        if ceiling:
            canvas.rect(left, y + 8 + bar, x_of(ceiling), y + 8 + 2 * bar, CEILING)
            canvas.text(int(x_of(ceiling)) + 4, y + 8 + bar + bar // 2 - 3, f"{ceiling:,.0f}", (90, 90, 90), scale=1)
    if nginx_rps:
        canvas.vline(x_of(nginx_rps), top, axis_y, NGINX, dash=4)
    canvas.text(left, axis_y + 30, "requests (transactions) per second, log scale", scale=1)
    canvas.save(path)
