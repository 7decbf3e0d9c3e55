"""Acceptance run for forward proofs in the proof environment: generate equations and systems,
export them with kernel-judged wrong steps, then replay every exported proof and every wrong
step through `rpsdg_formal.env`.

Every proof must close its goal with every step valid (and each resulting state equal to the
exported `state_after`); every wrong step the export labels -1 must be refused.

    python scripts/replay_equations.py --equations 300 --systems 100
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path

from benchlib import export_with_negatives, replay_folder, run_cli

from rpsdg_formal.env.environment import ReplayReport
from rpsdg_formal.kernel.config import ROUTES


def _make(folder: Path, family: str, count: int, seed: int, negatives: int, route: str) -> None:
    """Generate `count` theorems of `family` into folder/data and export them to folder/export."""
    data, export = folder / "data", folder / "export"
    took = run_cli(["generate", "--theory", "equation", "--family", family,
                    "--count", str(count), "--seed", str(seed), "--proofs", "2",
                    "--out", str(data), "--quiet"])  # fmt: skip
    print(f"{family}: generate {count} in {took:.1f} s", flush=True)
    took = export_with_negatives(data, export, negatives, route)
    print(f"{family}: export with wrong steps judged by the kernel in {took:.1f} s", flush=True)


def _replay(folder: Path, family: str, route: str) -> tuple[ReplayReport, dict[str, int]]:
    report, wrong, took, checked = replay_folder(folder, "equation", route)
    print(f"{family}: replay {took:.1f} s, {checked} step obligations sent to the kernel")
    kinds = collections.Counter(f"{r.kind} {r.label:+d}" for r in wrong)
    return report, dict(sorted(kinds.items()))


def run(folder: Path, args: argparse.Namespace) -> int:
    ok = True
    for family, count in (("equation", args.equations), ("equation-system", args.systems)):
        if count <= 0:
            continue
        where = folder / family
        if not (args.reuse and (where / "export" / "data" / "negatives.jsonl").is_file()):
            _make(where, family, count, args.seed, args.negatives, args.kernel)
        report, kinds = _replay(where, family, args.kernel)
        shown = {k: v for k, v in vars(report).items() if k != "invalid_steps"}
        print(json.dumps({"family": family, **shown, "wrong steps by kind": kinds}, indent=2))
        for line in report.invalid_steps[:10]:
            print(f"  refused true step: {line}")
        ok = ok and report.faithful
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--equations", type=int, default=300, help="equations (300)")
    parser.add_argument("--systems", type=int, default=100, help="systems of two equations (100)")
    parser.add_argument("--seed", type=int, default=0, help="generation seed (0)")
    parser.add_argument("--negatives", type=int, default=1, help="wrong steps per kind (1)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: replay the datasets and exports there"
    )
    parser.add_argument(
        "--kernel", choices=ROUTES, default="direct", help="the kernel route (direct)"
    )
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.keep, args)
    with tempfile.TemporaryDirectory() as folder:
        return run(Path(folder), args)


if __name__ == "__main__":
    sys.exit(main())
