"""The direct kernel route against `lean` for the callers of `check_theorems` (issue 17): one
run each, in this order per figure: `--kernel lean` first, then `--kernel direct`, each as a
child process whose whole process tree's CPU is measured (`RUSAGE_CHILDREN`: the workers and
Lean processes are waited for by it).

    python scripts/bench_routes.py export --count 1000      # export --format all
    python scripts/bench_routes.py replay --count 500       # scripts/replay_env.py
    python scripts/bench_routes.py serve --requests 200     # scripts/load_serve.py, 16 clients
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rpsdg_formal.dataset.negative import NegativeRow

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "rpsdg_formal.cli"]


def timed(argv: list[str]) -> tuple[float, float, str]:
    """(CPU seconds of the process tree, wall seconds, stdout) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def compare(name: str, runs: dict[str, tuple[float, float, str]]) -> None:
    (lc, lw, _), (dc, dw, _) = runs["lean"], runs["direct"]
    print(f"{name}: lean {lc:.1f} s CPU ({lw:.1f} s wall); direct {dc:.1f} s CPU ({dw:.1f} s "
          f"wall); {lc / dc:.2f}x less CPU, {lw / dw:.2f}x less wall")  # fmt: skip


def labels(folder: Path) -> list[tuple[str, int]]:
    (found,) = folder.rglob("negatives.jsonl")
    lines = found.read_text(encoding="utf-8").splitlines()
    rows = [NegativeRow.from_json(json.loads(line)) for line in lines]
    return [(r.tactic, r.label) for r in rows]


def export(folder: Path, count: int) -> None:
    data = folder / "data"
    argv = ["generate", "--count", str(count), "--seed", "0", "--proofs", "2", "--quiet"]
    subprocess.run([*CLI, *argv, "--out", str(data)], cwd=ROOT, check=True)
    runs = {}
    for route in ("lean", "direct"):
        out = folder / f"export_{route}"
        runs[route] = timed([*CLI, "export", str(data), "--format", "all", "--out", str(out),
                             "--quiet", "--kernel", route])  # fmt: skip
    compare(f"export --format all of {count} theorems", runs)
    same = labels(folder / "export_lean") == labels(folder / "export_direct")
    print(f"negatives: {len(labels(folder / 'export_direct'))} rows, same labels: {same}")


def replay(folder: Path, count: int) -> None:
    script = [sys.executable, str(ROOT / "scripts" / "replay_env.py"), "--count", str(count)]
    keep = ["--keep", str(folder / "replay")]
    subprocess.run([*script, *keep], cwd=ROOT, check=True, capture_output=True)  # the data
    runs = {r: timed([*script, *keep, "--reuse", "--kernel", r]) for r in ("lean", "direct")}
    for route, (_, _, out) in runs.items():
        print(f"--- {route}\n{out.strip()}")
    compare(f"environment replay of {count} theorems", runs)


def serve(requests: int) -> None:
    script = [sys.executable, str(ROOT / "scripts" / "load_serve.py"), "--concurrency", "16"]
    argv = [*script, "--requests", str(requests), "--max-seconds", "300"]
    runs = {r: timed([*argv, "--kernel", r]) for r in ("lean", "direct")}
    for route, (_, _, out) in runs.items():
        print(f"--- {route}\n{out.strip()}")
    compare(f"service at 16 clients, {requests} requests", runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("export", "replay", "serve"))
    parser.add_argument("--count", type=int, default=1000, help="theorems (export, replay)")
    parser.add_argument("--requests", type=int, default=200, help="requests (serve)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.what == "export":
            export(Path(tmp), args.count)
        elif args.what == "replay":
            replay(Path(tmp), args.count)
        else:
            serve(args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
