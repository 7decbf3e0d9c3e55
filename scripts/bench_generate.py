"""Benchmark: verified theorems per second end to end, and the kernel alone on the same files.

Runs `generate` into a temporary folder (one worker and one Lean process per core), then re-runs
Lean on exactly the batch files it wrote (as many Lean processes at a time), and prints both
times and their ratio, measured in this one run.

    python scripts/bench_generate.py --count 2000 --steps 8
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchlib import CORES, kernel_only, one_lean_per_core, script_parser, shipped_rules

from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.walk import WalkConfig


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=250)
    args = parser.parse_args()

    rules = shipped_rules("field")
    with tempfile.TemporaryDirectory(prefix="rpsdg-bench-") as tmp:
        kernel = one_lean_per_core(rules.theory, Path(tmp) / "cache")
        config = GenerateConfig(
            count=args.count,
            seed=1,
            out=Path(tmp) / "out",
            walk=WalkConfig(steps=args.steps),
            batch_size=args.batch_size,
            workers=CORES,
            lean_jobs=CORES,
        )
        started = time.perf_counter()
        summary = generate(rules, config, kernel, show_progress=False)
        end_to_end = time.perf_counter() - started
        files = len(list((config.out / "lean").glob("*.lean")))
        kernel_seconds = kernel_only(kernel, config.out / "lean")

    print(
        f"theorems verified:      {summary.accepted} ({args.steps} steps each, "
        f"{files} files, {CORES} workers and Lean jobs, Lean {kernel.version})"
    )
    n = summary.accepted
    print(f"end to end:              {end_to_end:.2f} s = {n / end_to_end:.1f} theorems/s")
    print(f"kernel only, same files: {kernel_seconds:.2f} s = {n / kernel_seconds:.1f} theorems/s")
    print(f"ratio end-to-end / kernel-only: {end_to_end / kernel_seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
