"""Benchmark: calculus theorems (integration problems) per second, with their parts timed.

For each family it runs `generate` into a temporary folder, re-runs Lean alone on exactly the
batch files written, and times the Python stages (drawing and differentiating, the SymPy
cross-check) on the same draws. Prints every figure and the end-to-end / kernel-only ratio, all
measured in this one run.

    python scripts/bench_calculus.py --count 1000 --by-parts 200
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchlib import CORES, kernel_only, one_lean_per_core, script_parser, shipped_rules

from rpsdg_formal.families.calculus import crosscheck, draw_problem, unusable
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.derive import Engine
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.walk import theorem_rng
from rpsdg_formal.theory.rules import RuleSet


def _stages(rules: RuleSet, config: CalculusConfig, draws: int) -> tuple[float, float, int]:
    """Seconds per draw for drawing + differentiating, and per kept problem for SymPy."""
    engine = Engine.from_rules(rules)
    started = time.perf_counter()
    problems = [draw_problem(engine, config, theorem_rng(7, i)) for i in range(draws)]
    draw_time = (time.perf_counter() - started) / draws
    kept = [p for p in problems if p is not None and unusable(p, engine) is None]
    started = time.perf_counter()
    for p in kept:
        crosscheck(p.antiderivative, p.integrand, engine)
    sympy_time = (time.perf_counter() - started) / max(1, len(kept))
    return draw_time, sympy_time, len(kept)


def _family(rules: RuleSet, kernel: Kernel, family: str, count: int, out: Path) -> None:
    calculus = CalculusConfig(family=family)
    config = GenerateConfig(
        count=count, seed=1, out=out, calculus=calculus, workers=CORES, lean_jobs=CORES
    )
    started = time.perf_counter()
    summary = generate(rules, config, kernel, show_progress=False)
    end_to_end = time.perf_counter() - started
    files = sorted((out / "lean").glob("*.lean"))
    kernel_seconds = kernel_only(kernel, out / "lean")
    draw_time, sympy_time, kept = _stages(rules, calculus, 200)
    n = summary.accepted
    print(f"[{family}] theorems verified: {n} ({len(files)} files, Lean {kernel.version})")
    print(f"  end to end:              {end_to_end:.2f} s = {n / end_to_end:.1f} theorems/s")
    print(
        f"  kernel only, same files: {kernel_seconds:.2f} s = {n / kernel_seconds:.1f} theorems/s"
    )
    print(f"  ratio end-to-end / kernel-only: {end_to_end / kernel_seconds:.2f}")
    print(f"  draw + differentiate: {1000 * draw_time:.1f} ms per draw (200 draws, {kept} kept)")
    print(f"  SymPy cross-check:    {1000 * sympy_time:.1f} ms per kept problem")
    print(f"  SymPy disagreements:  {summary.disagreements}, kernel rejections: {summary.rejected}")


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=1000, help="antiderivative theorems")
    parser.add_argument("--by-parts", type=int, default=200, help="by-parts problems")
    args = parser.parse_args()
    rules = shipped_rules("calculus")
    with tempfile.TemporaryDirectory(prefix="rpsdg-bench-") as tmp:
        kernel = one_lean_per_core(rules.theory, Path(tmp) / "cache")
        _family(rules, kernel, "antiderivative", args.count, Path(tmp) / "anti")
        _family(rules, kernel, "by-parts", args.by_parts, Path(tmp) / "parts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
