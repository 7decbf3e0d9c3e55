"""Benchmark: verified theorems per second end to end, and the kernel alone on the same files.

Runs `generate` into a temporary folder, then re-runs Lean on exactly the batch files it wrote
(same threads), and prints both times and their ratio, measured in this one run.

    python scripts/bench_generate.py --count 2000 --steps 8
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from rpsdg_formal.check import prepare_kernel
from rpsdg_formal.generate import GenerateConfig, generate
from rpsdg_formal.rules import load_rules
from rpsdg_formal.walk import WalkConfig

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    rules = load_rules(ROOT / "rules" / "field.yaml")
    with tempfile.TemporaryDirectory(prefix="rpsdg-bench-") as tmp:
        kernel = prepare_kernel(rules.theory, cache_dir=Path(tmp) / "cache", threads=args.threads)
        config = GenerateConfig(
            count=args.count,
            seed=1,
            out=Path(tmp) / "out",
            walk=WalkConfig(steps=args.steps),
            batch_size=args.batch_size,
        )
        started = time.perf_counter()
        summary = generate(rules, config, kernel, show_progress=False)
        end_to_end = time.perf_counter() - started

        files = sorted((config.out / "lean").glob("batch_*.lean"))
        started = time.perf_counter()
        for path in files:
            result = kernel.runner.run(kernel.args(path.resolve()))
            if result.returncode != 0:
                print(f"kernel failed on {path}", file=sys.stderr)
                return 1
        kernel_only = time.perf_counter() - started

    print(
        f"theorems verified:      {summary.accepted} ({args.steps} steps each, "
        f"{len(files)} files, -j{args.threads}, Lean {kernel.version})"
    )
    n = summary.accepted
    print(f"end to end:              {end_to_end:.2f} s = {n / end_to_end:.1f} theorems/s")
    print(f"kernel only, same files: {kernel_only:.2f} s = {n / kernel_only:.1f} theorems/s")
    print(f"ratio end-to-end / kernel-only: {end_to_end / kernel_only:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
