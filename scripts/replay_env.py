"""Acceptance run for the proof environment: generate a dataset, export it with kernel-judged
wrong steps, then replay every exported proof and every wrong step through `rpsdg_formal.env`.

Every proof must close its goal with every step valid (and each resulting state equal to the
exported `state_after`); every wrong step the export labels -1 must be refused.

    python scripts/replay_env.py --count 500
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchlib import export_with_negatives, replay_folder, run_cli

from rpsdg_formal.kernel.config import ROUTES


def replay(
    folder: Path,
    count: int,
    theory: str,
    seed: int,
    negatives: int,
    reuse: bool = False,
    route: str = "direct",
) -> int:
    data, export = folder / "data", folder / "export"
    if reuse and (export / "data" / "negatives.jsonl").is_file():
        print(f"reusing the dataset and export in {folder}")
        return _replay(folder, route, theory)
    took = run_cli(["generate", "--theory", theory, "--count", str(count), "--seed", str(seed),
                    "--out", str(data), "--quiet", "--proofs", "2"])  # fmt: skip
    print(f"generate: {count} theorems in {took:.1f} s")
    took = export_with_negatives(data, export, negatives, route)
    print(f"export with wrong steps judged by the kernel: {took:.1f} s")
    return _replay(folder, route, theory)


def _replay(folder: Path, route: str, theory: str) -> int:
    report, _, took, checked = replay_folder(folder, theory, route)
    print(f"replay: {took:.1f} s, {checked} step obligations sent to the kernel")
    print(json.dumps({k: v for k, v in vars(report).items() if k != "invalid_steps"}, indent=2))
    for line in report.invalid_steps[:10]:
        print(f"  refused true step: {line}")
    print("PASS" if report.faithful else "FAIL")
    return 0 if report.faithful else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500, help="theorems to generate (500)")
    parser.add_argument("--theory", default="field", help="a rewrite theory in rules/ (field)")
    parser.add_argument("--seed", type=int, default=0, help="generation seed (0)")
    parser.add_argument("--negatives", type=int, default=1, help="wrong steps per kind (1)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: replay the dataset and export there"
    )
    parser.add_argument(
        "--kernel", choices=ROUTES, default="direct", help="the kernel route (direct)"
    )
    args = parser.parse_args()
    settings = (args.count, args.theory, args.seed, args.negatives)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return replay(args.keep, *settings, args.reuse, args.kernel)
    with tempfile.TemporaryDirectory() as folder:
        return replay(Path(folder), *settings, False, args.kernel)


if __name__ == "__main__":
    sys.exit(main())
