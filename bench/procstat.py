"""Memory and CPU of the server's process tree, from /proc (psutil is not a dependency).

The sum of every process's VmRSS counts pages that forked workers share with
the master once per process, so it over- rather than under-states the memory
the server needs, which is the safe side for a ceiling.

CPU accounting exists because the load generator shares the machine with the
server: when something else (a test run, a build) also takes CPU during a
measurement, the figures understate the server, and the report must say so.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3… of /proc/<pid>/stat (state, ppid, …), or None for a process that is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.rsplit(")", 1)[1].split()


def _ppid(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None


def _cpu_ticks(pid: int) -> int:
    """utime + stime (fields 14 and 15) of one process."""
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants alive now."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def rss_kb(pid: int) -> int:
    """VmRSS in kB; 0 for a process that is gone (or a zombie, which has no VmRSS line)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    return sum(rss_kb(pid) for pid in process_tree(root))


class PeakRssSampler:
    """Samples the tree's total RSS in a thread while the ``with`` block runs; ``peak_mb`` is the maximum seen."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root = root
        self.interval = interval
        self.peak_kb = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def _loop(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.root))
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()


def system_busy_ticks() -> int:
    """CPU time spent on anything but idle and I/O wait, all cores together, from /proc/stat."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return sum(values[:8]) - idle - iowait  # user … steal; guest time is already inside user


def tree_cpu_ticks(root: int) -> dict[int, int]:
    """CPU ticks used so far by each live process of the tree."""
    return {pid: _cpu_ticks(pid) for pid in process_tree(root)}


@dataclass(frozen=True)
class CpuShare:
    """Cores used on average during a window, by whom.

    ``per_process`` (server processes, root first) shows an uneven spread of
    the load over the workers, e.g. one gthread worker holding every
    keep-alive connection while the other idles.
    """

    seconds: float
    server: float
    load_generator: float
    other: float
    per_process: tuple[float, ...]

    def describe(self) -> str:
        spread = "/".join(f"{cores:.2f}" for cores in self.per_process)
        return (
            f"cpu over {self.seconds:.0f} s (cores of {os.cpu_count()}): server {self.server:.2f} "
            f"(master/workers {spread}), wrk+bench {self.load_generator:.2f}, other processes {self.other:.2f}"
        )


class CpuWindow:
    """Measures, for the ``with`` block, the CPU of the server tree, of this process and its finished
    children (wrk), and of everything else on the machine."""

    def __init__(self, server_root: int) -> None:
        self.server_root = server_root
        self.share: CpuShare | None = None

    @staticmethod
    def _own_seconds() -> float:
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    def __enter__(self) -> CpuWindow:
        self._start = (time.monotonic(), system_busy_ticks(), tree_cpu_ticks(self.server_root), self._own_seconds())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        start_time, start_busy, start_tree, start_own = self._start
        elapsed = max(time.monotonic() - start_time, 1e-6)
        busy = (system_busy_ticks() - start_busy) / CLOCK_TICKS
        end_tree = tree_cpu_ticks(self.server_root)
        # A process started during the window (a restarted worker) counts from zero.
        used = {pid: (ticks - start_tree.get(pid, 0)) / CLOCK_TICKS for pid, ticks in end_tree.items()}
        server = sum(used.values())
        own = self._own_seconds() - start_own
        other = max(busy - server - own, 0.0)
        per_process = tuple(seconds / elapsed for seconds in used.values())
        self.share = CpuShare(elapsed, server / elapsed, own / elapsed, other / elapsed, per_process)
