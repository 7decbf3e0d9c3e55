"""CPU time and resident memory of a running command's process tree, by kind of process.

A sampler reads `/proc/PID/stat` (user + system ticks) and `/proc/PID/statm` of every
descendant of a root process every `interval` seconds. It keeps the last CPU value seen per
process, so a process's CPU is known up to the last sample before it exits (the gap is what
the whole tree's `getrusage` total has beyond the sum: reported as unattributed), and the peak
memory of the tree. Processes are told apart by their command line: the root (`generate`'s
parent), its forked copies (the preparing workers), the direct-kernel workers and `lean`.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
KINDS = ("parent", "preparing workers", "direct-kernel workers", "lean", "other")


@dataclass(frozen=True)
class _Seen:
    parent: int
    cpu: float  # seconds, user + system
    rss: int  # bytes
    cmdline: bytes


def _read(pid: int) -> _Seen | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            rss = int(f.read().split()[1]) * PAGE
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except (OSError, IndexError, ValueError):
        return None
    return _Seen(int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, rss, cmdline)


def descendants(root: int) -> dict[int, _Seen]:
    """`root` and every process below it, as read now."""
    seen: dict[int, _Seen] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (info := _read(int(entry.name))) is not None:
            seen[int(entry.name)] = info
    out: dict[int, _Seen] = {}
    for pid, info in seen.items():
        p = pid
        while p not in (0, 1) and p != root:
            p = seen[p].parent if p in seen else 0
        if p == root:
            out[pid] = info
    return out


def kind(pid: int, info: _Seen, root: int, root_cmdline: bytes) -> str:
    """Which of KINDS the process is."""
    if pid == root:
        return "parent"
    if b"rpsdg_formal.kernel.worker" in info.cmdline:
        return "direct-kernel workers"
    if b"_shim.py" in info.cmdline:
        return "lean"
    if info.cmdline == root_cmdline and info.parent == root:
        return "preparing workers"
    return "other"


@dataclass
class CpuTree:
    """Samples a process tree until `stop`: the last CPU seen per process (`by_kind`) and the
    peak resident memory (all, the Python processes, the largest single `lean`)."""

    root: int
    interval: float = 0.05
    last: dict[int, tuple[str, float]] = field(default_factory=dict)
    peak: tuple[int, int, int] = (0, 0, 0)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> CpuTree:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        root_info = _read(self.root)
        root_cmdline = root_info.cmdline if root_info else b""
        while not self._stop.is_set():
            total = python = largest_lean = 0
            for pid, info in descendants(self.root).items():
                what = kind(pid, info, self.root, root_cmdline)
                if pid in self.last and (not info.cmdline or what == "other"):
                    what = self.last[pid][0]  # an exited process (zombie) has no command line
                self.last[pid] = (what, info.cpu)
                total += info.rss
                if what == "lean":
                    largest_lean = max(largest_lean, info.rss)
                else:
                    python += info.rss
            a, b, c = self.peak
            self.peak = (max(a, total), max(b, python), max(c, largest_lean))
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def by_kind(self) -> dict[str, tuple[float, int]]:
        """CPU seconds and number of processes per kind (as last sampled)."""
        out = {k: (0.0, 0) for k in KINDS}
        for what, cpu in self.last.values():
            seconds, count = out[what]
            out[what] = (seconds + cpu, count + 1)
        return out
