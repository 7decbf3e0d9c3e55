"""Benchmark: the CPU of `generate`'s parent process per theorem, apart from its workers.

Each run is a default field `generate --count N --seed 1 --quiet` in a fresh interpreter that
reports its own CPU (`RUSAGE_SELF`: the parent) and its children's (the forked workers and
`lean`). With several roots (checkouts), the runs alternate between them so every side shares
the machine's load; the best of `--repeat` runs is printed per root, and whether their
theorems.jsonl came out byte for byte the same.

    python scripts/bench_parent.py --count 20000 --repeat 3 /path/to/before /path/to/after
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RUN = r"""
import resource, sys
from rpsdg_formal.cli.main import main
sys.argv = ["rpsdg-formal", "generate", "--count", sys.argv[1], "--seed", "1",
            "--out", sys.argv[2], "--quiet", "--force"]
try:
    main()
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime)
"""


def one_run(root: Path, count: int, out: Path) -> tuple[float, float]:
    """(parent, children) CPU seconds of one run of `root`'s package writing to `out`."""
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(count), str(out)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    parent, children = done.stdout.split()[-2:]
    return float(parent), float(children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path, help="checkouts to compare")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-parent-"))
    best: dict[Path, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for number, root in enumerate(args.roots):
            parent, children = one_run(root, args.count, folder / str(number))
            print(
                f"{root}: parent {parent * 1000 / args.count:.4f} ms/theorem, children "
                f"{children * 1000 / args.count:.4f} (load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
            old = best.get(root, (parent, children))
            best[root] = (min(old[0], parent), min(old[1], children))
    for root, (parent, children) in best.items():
        print(
            f"best {root}: parent {parent * 1000 / args.count:.4f} ms/theorem, "
            f"children {children * 1000 / args.count:.4f}"
        )
    outs = {(folder / str(n) / "theorems.jsonl").read_bytes() for n in range(len(args.roots))}
    print("theorems.jsonl identical:", len(outs) == 1)


if __name__ == "__main__":
    main()
