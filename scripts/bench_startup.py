"""Benchmark for start-up: what `rpsdg-formal` imports before it does any work, by `-X importtime`.

Two measures, each the sum of the cumulative import times (microseconds, as Python reports them)
of the modules imported at top level once the interpreter itself has started:

- entry: `python -X importtime -c "import rpsdg_formal.cli.main"`;
- generate: a whole default field `generate --count N` run under `-X importtime` (the parent
  and its forked workers: everything it imports, at start-up or later), and which of SymPy and
  networkx it imported.

With `--before-root DIR` the same runs use DIR's package too, interleaved, so both sides share
the machine's load; each figure is the median over `--repeat` runs (the minimum in brackets).
The rule set must have passed the audit in the default kernel cache (`rpsdg-formal audit`).

    python scripts/bench_startup.py --before-root /work/main --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # the checkout this script belongs to
HEAVY = ("sympy", "networkx")


@dataclass(frozen=True)
class Imports:
    """One run's imports: the sum of top-level cumulative times (µs) and the heavy ones seen."""

    micros: int
    heavy: tuple[str, ...]


def read_importtime(stderr: str) -> Imports:
    """The top-level imports of a `-X importtime` report, from the first `rpsdg_formal` one on
    (what the interpreter imports for itself before that is the same with or without us)."""
    total, started, seen = 0, False, set()
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not cumulative.strip().isdigit():
            continue  # the header line
        module = name.strip()
        seen.add(module.split(".")[0])
        if name.startswith(" ") and not name.startswith("  "):  # one space: a top-level import
            started = started or module.startswith("rpsdg_formal")
            total += int(cumulative) if started else 0
    return Imports(total, tuple(h for h in HEAVY if h in seen))


def _run(root: Path, argv: list[str]) -> Imports:
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env, cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"failed ({root}): {' '.join(argv)}\n{done.stderr[-2000:]}")
    return read_importtime(done.stderr)


def measure(root: Path, count: int, out: Path) -> tuple[Imports, Imports]:
    """The entry module's imports and a default field generate's, with `root`'s package."""
    entry = _run(root, ["-c", "import rpsdg_formal.cli.main"])
    generate = ["-m", "rpsdg_formal.cli", "generate", "--count", str(count)]
    run = _run(root, [*generate, "--out", str(out), "--force", "--quiet"])
    return entry, run


def _summary(label: str, runs: list[tuple[Imports, Imports]]) -> str:
    def ms(values: list[int]) -> str:
        return f"{statistics.median(values) / 1000:6.1f} ms (min {min(values) / 1000:.1f})"

    heavy = sorted({h for _, run in runs for h in run.heavy})
    return (
        f"  {label}: entry {ms([e.micros for e, _ in runs])}, generate "
        f"{ms([g.micros for _, g in runs])}; generate imported {', '.join(heavy) or 'neither'} "
        f"of {', '.join(HEAVY)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-root", type=Path, help="also measure this checkout's package")
    parser.add_argument("--repeat", type=int, default=5, help="runs per side (default 5)")
    parser.add_argument("--count", type=int, default=20, help="theorems per generate run")
    args = parser.parse_args()
    roots = [("now", HERE)] + ([("before", args.before_root)] if args.before_root else [])
    results: dict[str, list[tuple[Imports, Imports]]] = {label: [] for label, _ in roots}
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="rpsdg-startup-") as tmp:
        for _ in range(args.repeat):
            for label, root in roots:  # interleaved: both sides see the same load
                results[label].append(measure(root.resolve(), args.count, Path(tmp) / label))
    print(f"-X importtime, sum of top-level cumulative times, median of {args.repeat} runs:")
    for label, root in roots:
        print(_summary(f"{label} ({root})", results[label]))
    if args.before_root:
        ratio = [
            statistics.median(g.micros for _, g in results[side]) for side in ("now", "before")
        ]
        print(f"  generate imports, now / before: {ratio[0] / ratio[1]:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
