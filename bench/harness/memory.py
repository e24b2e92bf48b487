"""Resident memory of latch's worker processes, from /proc (VmRSS: what `ps` shows,
shared pages of the Swift runtime and libpq included; RssAnon: the worker's own heap)."""
import threading


def rss(pid):
    """{'rss_kib', 'anon_kib'} of one process, or None when it is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "RssAnon:")):
                    name, value = line.split(":", 1)
                    values[name] = int(value.split()[0])
    except OSError:
        return None
    return {"rss_kib": values.get("VmRSS", 0), "anon_kib": values.get("RssAnon", 0)}


def snapshot(pids):
    return {pid: sample for pid in pids if (sample := rss(pid)) is not None}


class Sampler:
    """Samples the given processes every `interval` seconds while a run goes on; keeps the
    first, the last and the largest sample of each."""

    def __init__(self, pids, interval=0.5):
        self.pids = list(pids)
        self.interval = interval
        self.first = {}
        self.last = {}
        self.peak = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _take(self):
        for pid, sample in snapshot(self.pids).items():
            self.first.setdefault(pid, sample)
            self.last[pid] = sample
            if pid not in self.peak or sample["rss_kib"] > self.peak[pid]["rss_kib"]:
                self.peak[pid] = sample

    def _run(self):
        while not self._stop.is_set():
            self._take()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._take()
