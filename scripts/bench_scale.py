"""Benchmark for scale: throughput, end-to-end / kernel-only ratio, and peak memory at two run
sizes, all measured in this one run.

For each size, `rpsdg-formal generate` runs as a child process (the real command, default
workers and Lean jobs) while a sampler sums the resident memory of its whole process tree (the
parent, the worker processes and every Lean) every 0.2 s. Then Lean alone re-checks exactly the
files that run wrote, with the same number of Lean processes, for the baseline. With
`--before`, the smallest size also runs with `--python-search --python-walk` (the pure-Python
certifying search and walk, as before they were compiled) in the same run, and the two outputs
are compared byte for byte.

    python scripts/bench_scale.py --sizes 2000,20000 --before
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchlib import kernel_only, one_lean_per_core, script_parser, shipped_rules

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> tuple[int, int, int]:
    """Resident bytes of `root` and all its descendants: (all, the Python processes, the
    largest single Lean process)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    lean: set[int] = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:
                rss[pid] = int(f.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"_shim.py" in f.read():
                    lean.add(pid)
        except (OSError, IndexError, ValueError):
            continue
        parent[pid] = int(fields[1])
    total = python = largest_lean = 0
    for pid, size in rss.items():
        p = pid
        while p not in (0, 1) and p != root:
            p = parent.get(p, 0)
        if p == root:
            total += size
            if pid in lean:
                largest_lean = max(largest_lean, size)
            else:
                python += size
    return total, python, largest_lean


@dataclass
class Sampler:
    """Peaks of the resident memory of a process tree: all of it, its Python processes (the
    parent and the workers), and the largest single Lean."""

    pid: int
    peak: tuple[int, int, int] = (0, 0, 0)
    stop: bool = False

    def run(self) -> None:
        while not self.stop:
            now = _tree_rss(self.pid)
            self.peak = (
                max(self.peak[0], now[0]),
                max(self.peak[1], now[1]),
                max(self.peak[2], now[2]),
            )
            time.sleep(0.2)


def _cpu_seconds() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def _generate(
    count: int, out: Path, cache: Path, extra: list[str]
) -> tuple[float, float, tuple[int, int, int]]:
    """(wall s, CPU s of the whole tree, peak RSS bytes: tree, Python, one Lean) of one run."""
    command = [
        sys.executable, "-m", "rpsdg_formal.cli", "generate", "--count", str(count),
        "--seed", "1", "--out", str(out), "--cache-dir", str(cache), "--quiet", *extra,
    ]  # fmt: skip
    cpu = _cpu_seconds()
    started = time.perf_counter()
    child = subprocess.Popen(command)
    sampler = Sampler(child.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    if child.wait() != 0:
        raise SystemExit(f"generate failed: {' '.join(command)}")
    wall = time.perf_counter() - started
    sampler.stop = True
    thread.join()
    return wall, _cpu_seconds() - cpu, sampler.peak


def _before(
    size: int, base: Path, cache: Path, extra: list[str], now: Path
) -> tuple[int, int, float, bool]:
    """(size, made, CPU s, output identical to `now`) of the run with the Python search and
    walk."""
    out = base / f"run_{size}_python"
    python = ["--python-search", "--python-walk"]
    _, cpu, _ = _generate(size, out, cache, [*extra, *python, "--force"])
    text = (out / "theorems.jsonl").read_bytes()
    made = text.count(b"\n")
    return size, made, cpu, text == (now / "theorems.jsonl").read_bytes()


def _kernel_only(out: Path, cache: Path) -> float:
    rules = shipped_rules("field")
    return kernel_only(one_lean_per_core(rules.theory, cache), out / "lean")


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--sizes", default="2000,20000", help="run sizes (comma-separated)")
    parser.add_argument("--keep", type=Path, help="keep the runs' folders here")
    parser.add_argument(
        "--before",
        action="store_true",
        help="also run the smallest size with --python-search --python-walk",
    )
    parser.add_argument("extra", nargs="*", help="more generate options, after --")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="rpsdg-scale-") as tmp:
        base = args.keep or Path(tmp)
        cache = base / "cache"
        audit = [sys.executable, "-m", "rpsdg_formal.cli", "audit", "--theory", "field"]
        subprocess.run([*audit, "--cache-dir", str(cache)], check=True, capture_output=True)
        rows = []
        for size in sizes:
            out = base / f"run_{size}"
            wall, cpu, peak = _generate(size, out, cache, [*args.extra, "--force"])
            manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
            made = sum(1 for _ in (out / "theorems.jsonl").open(encoding="utf-8"))
            kernel = _kernel_only(out, cache)
            rows.append((size, made, wall, cpu, peak, kernel, manifest["steps"]))
        if args.before:
            before = _before(sizes[0], base, cache, args.extra, base / f"run_{sizes[0]}")
    print(f"{cores} cores; field theory, seed 1, default generate options {args.extra or ''}")
    for size, made, wall, cpu, peak, kernel, steps in rows:
        print(f"\nrun of {size} theorems ({steps} steps each): {made} verified")
        print(f"  end to end:            {wall:8.1f} s  = {made / wall:7.1f} theorems/s")
        print(f"  kernel only, same files:{kernel:7.1f} s  = {made / kernel:7.1f} theorems/s")
        print(f"  ratio end-to-end / kernel-only: {wall / kernel:.2f}")
        per_core_hour = made / (wall * cores) * 3600
        print(f"  verified theorems per CPU-hour (wall x {cores} cores): {per_core_hour:,.0f}")
        print(f"  verified theorems per CPU-hour (CPU time used):   {made / cpu * 3600:,.0f}")
        tree, python, lean = (round(p / 2**20) for p in peak)
        print(f"  peak resident memory, whole process tree: {tree:,} MB")
        print(f"    of which the Python processes (parent + workers): {python:,} MB")
        print(f"    the largest single Lean process: {lean:,} MB")
    if args.before:
        size, made, cpu, same = before
        print(
            f"\nbefore (--python-search --python-walk, the pure-Python certifying search and "
            f"walk), {size} theorems: "
            f"{made / cpu * 3600:,.0f} verified theorems per CPU-hour (CPU time used) against "
            f"{rows[0][1] / rows[0][3] * 3600:,.0f} now; theorems.jsonl identical: {same}"
        )
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        for label, at in (("whole tree", 0), ("Python processes", 1), ("largest Lean", 2)):
            a, b = small[4][at], large[4][at]
            print(
                f"peak memory ({label}), {large[0]} vs {small[0]} theorems: {b / a:.2f}x "
                f"({b / 2**20:,.0f} MB vs {a / 2**20:,.0f} MB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
