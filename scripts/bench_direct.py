"""Benchmark: the direct kernel route against the `lean` route, both measured in this run.

1. Kernel only, on the same 8-step field theorems: the direct route (one worker process:
   building the terms, `lean_add_decl`, the axioms, plus this process's share: sending the
   specs and reading the verdicts) against one sequential `lean` on one batch file of them
   (parser, elaborator and kernel, as `scripts/bench_floor.py` measures it).
2. End to end: `rpsdg-formal generate` at default settings (`--kernel direct`) against the same
   command with `--kernel lean`, same seed and count, so the same theorems (the outputs are
   compared byte for byte). CPU is that of the whole process tree: the command, its
   preparation workers, its kernel workers and every Lean, all waited for.

    python scripts/bench_direct.py --count 1000 --generate 2000
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import CORES, script_parser, shipped_rules

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Accepted, check_batch, prepare_kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file
from rpsdg_formal.kernel.pool import KernelPool
from rpsdg_formal.pipeline.prepare import Preparer, first_theorems
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a live process."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def eight_step_theorems(rules: RuleSet, count: int, seed: int) -> list[LeanTheorem]:
    return first_theorems(Preparer(rules, RewriteFamily(WalkConfig(steps=8)), seed), count)


def kernel_only(rules: RuleSet, count: int, cache: Path) -> None:
    theorems = eight_step_theorems(rules, count, seed=0)
    steps = [len(t.origin.steps) for t in theorems if t.origin is not None]  # type: ignore[union-attr]
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=cache, sequential=True))
    setup = DirectSetup.of(kernel)
    with KernelPool(setup, workers=1) as pool:
        pool.check(theorems[:50])  # warm: constants resolved, axioms of each computed once
        worker = pool.pids()[0]
        before, mine = process_cpu(worker), time.process_time()
        direct = pool.check(theorems)
        direct_s = process_cpu(worker) - before + time.process_time() - mine
    with tempfile.TemporaryDirectory() as folder:
        before = children_cpu()
        lean = check_batch(kernel, batch_file(rules.theory, theorems), Path(folder) / "b.lean")
        lean_s = children_cpu() - before
    n = len(theorems)
    agree = sum(a == b for a, b in zip(direct, lean, strict=True))
    accepted = sum(isinstance(v, Accepted) for v in direct)
    print(
        f"kernel only: {n} field theorems, {sum(steps) / n:.2f} steps on average "
        f"({steps.count(8)} with 8); direct accepted {accepted}, verdicts and axioms agree "
        f"with lean on {agree}/{n}"
    )
    print(f"  direct route (worker + sender): {direct_s / n * 1000:8.3f} ms CPU per theorem")
    print(f"  lean route (one sequential lean): {lean_s / n * 1000:6.3f} ms CPU per theorem")
    print(f"  ratio lean / direct: {lean_s / direct_s:.1f}x")


def generate_cpu(count: int, out: Path, cache: Path, extra: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the whole process tree) of one `generate` run."""
    command = [
        sys.executable, "-m", "rpsdg_formal.cli", "generate", "--count", str(count),
        "--seed", "1", "--out", str(out), "--cache-dir", str(cache), "--quiet", *extra,
    ]  # fmt: skip
    before, started = children_cpu(), time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started, children_cpu() - before


def end_to_end(count: int, cache: Path, tmp: Path) -> None:
    audit = [sys.executable, "-m", "rpsdg_formal.cli", "audit", "--theory", "field"]
    subprocess.run([*audit, "--cache-dir", str(cache)], check=True, capture_output=True)
    d_wall, d_cpu = generate_cpu(count, tmp / "direct", cache, [])
    l_wall, l_cpu = generate_cpu(count, tmp / "lean", cache, ["--kernel", "lean"])
    same = (tmp / "direct" / "theorems.jsonl").read_bytes() == (
        tmp / "lean" / "theorems.jsonl"
    ).read_bytes()
    print(
        f"end to end: generate --count {count} (field, default settings, {CORES} cores); "
        f"theorems.jsonl identical: {same}"
    )
    print(
        f"  --kernel direct: {d_cpu:8.1f} s CPU ({d_cpu / count * 1000:.2f} ms/theorem), "
        f"{d_wall:.1f} s wall"
    )
    print(
        f"  --kernel lean:   {l_cpu:8.1f} s CPU ({l_cpu / count * 1000:.2f} ms/theorem), "
        f"{l_wall:.1f} s wall"
    )
    print(f"  ratio lean / direct CPU: {l_cpu / d_cpu:.2f}x")


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=1000, help="kernel-only theorems")
    parser.add_argument("--generate", type=int, default=2000, help="end-to-end count (0: skip)")
    args = parser.parse_args()
    rules = shipped_rules("field")
    with tempfile.TemporaryDirectory(prefix="rpsdg-direct-") as tmp:
        cache = Path(tmp) / "cache"
        kernel_only(rules, args.count, cache)
        if args.generate:
            end_to_end(args.generate, cache, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
