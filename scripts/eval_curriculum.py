"""The prover evaluation of the README: a 1,000-theorem field curriculum spanning difficulty
(250 theorems each of `--steps 2, 4, 6, 8`, seeds 12, 14, 16, 18, concatenated, split into 5
levels), then `rpsdg-formal evaluate` at each budget. The tables and plots it writes to --out
are what scripts/results/ holds.

    python scripts/eval_curriculum.py --out /tmp/eval --budget 50 --budget 200
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rpsdg_formal.cli.main import main as cli

STEPS = (2, 4, 6, 8)


def _run(argv: list[str]) -> None:
    if cli(argv) != 0:
        sys.exit(f"`rpsdg-formal {' '.join(argv)}` failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="work and output folder")
    parser.add_argument("--per-run", type=int, default=250, help="theorems per step count (250)")
    parser.add_argument("--budget", type=int, action="append", help="expansions (repeatable)")
    args = parser.parse_args()
    merged = args.out / "all"
    merged.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for steps in STEPS:
        run = args.out / f"steps_{steps}"
        _run(["generate", "--count", str(args.per_run), "--steps", str(steps),
              "--seed", str(10 + steps), "--out", str(run), "--quiet", "--force"])  # fmt: skip
        lines += (run / "theorems.jsonl").read_text(encoding="utf-8").splitlines()
    (merged / "theorems.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    curriculum = args.out / "curriculum"
    _run(["curriculum", str(merged), "--out", str(curriculum), "--levels", "5"])
    for budget in args.budget or [50, 200]:
        out = args.out / f"budget_{budget}"
        _run(["evaluate", str(curriculum), "--budget", str(budget), "--out", str(out), "--quiet"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
