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
import time
from pathlib import Path

from rpsdg_formal.cli.main import main as cli
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.env.environment import KernelChecker, replay_exported
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import ROUTES, KernelConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


def _run(argv: list[str]) -> float:
    started = time.monotonic()
    if cli(argv) != 0:
        sys.exit(f"`rpsdg-formal {' '.join(argv)}` failed")
    return time.monotonic() - started


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
        return _replay(data, export, folder, theory, route)
    took = _run(["generate", "--theory", theory, "--count", str(count), "--seed", str(seed),
                 "--out", str(data), "--quiet", "--proofs", "2"])  # fmt: skip
    print(f"generate: {count} theorems in {took:.1f} s")
    took = _run(["export", str(data), "--format", "jsonl", "--out", str(export),
                 "--negatives", str(negatives), "--quiet", "--kernel", route])  # fmt: skip
    print(f"export with wrong steps judged by the kernel: {took:.1f} s")
    return _replay(data, export, folder, theory, route)


def _replay(data: Path, export: Path, folder: Path, theory: str, route: str) -> int:
    rules = load_rules(rules_path(theory))
    records = {str(r["id"]): r for _, r in read_jsonl(data / "theorems.jsonl")}
    steps = [r for _, r in read_jsonl(export / "data" / "steps.jsonl")]
    wrong = [NegativeRow.from_json(r) for _, r in read_jsonl(export / "data" / "negatives.jsonl")]
    checker = KernelChecker(
        prepare_kernel(rules.theory, KernelConfig(sequential=True, route=route)), folder, jobs=2
    )
    started = time.monotonic()
    report = replay_exported(records, steps, wrong, rules, checker)
    took = time.monotonic() - started
    print(f"replay: {took:.1f} s, {checker.checked} step obligations sent to the kernel")
    print(json.dumps({k: v for k, v in vars(report).items() if k != "invalid_steps"}, indent=2))
    for line in report.invalid_steps[:10]:
        print(f"  refused true step: {line}")
    ok = (
        report.closed == report.proofs
        and not report.invalid_steps
        and not report.state_mismatches
        and report.negatives_invalid == report.negatives
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


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
