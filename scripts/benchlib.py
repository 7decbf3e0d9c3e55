"""What the benchmark scripts share: their command line and rule sets, the generation settings
they measure, and Lean alone on the files a run wrote with the same parallelism (the baseline of
every ratio)."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from rpsdg_formal.cli.main import main as cli
from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.negative import NegativeRow
from rpsdg_formal.env.environment import KernelChecker, ReplayReport, replay_exported
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules
from rpsdg_formal.theory.section import Theory

CORES = os.cpu_count() or 1
T = TypeVar("T")


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_ms(work: Callable[[], T], per: int = 1) -> tuple[T, float]:
    """`work()` and the CPU milliseconds (`time.process_time`) it took, divided by `per`."""
    started = time.process_time()
    result = work()
    return result, (time.process_time() - started) * 1000 / max(per, 1)


def warm_up(rules: RuleSet, seed: int, count: int = 100) -> None:
    """Prepare `count` default theorems of another seed, so that the expression pool and the
    caches are filled before anything is timed."""
    warm = Preparer(rules, RewriteFamily(WalkConfig(), SelectConfig()), seed + 1)
    for i in range(count):
        warm(i)


def one_lean_per_core(theory: Theory, cache: Path) -> Kernel:
    """The kernel `generate` uses by default: one sequential Lean process per core."""
    return prepare_kernel(theory, KernelConfig(cache_dir=cache, threads=1, sequential=True))


def kernel_only(kernel: Kernel, folder: Path, jobs: int = CORES) -> float:
    """Wall seconds for Lean alone on every file in `folder`, `jobs` processes at a time.
    Raises SystemExit if Lean fails on one (the run had accepted them all)."""
    files = sorted(folder.glob("*.lean"))

    def check(path: Path) -> int:
        return kernel.runner.run(kernel.args(path.resolve())).returncode

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        codes = list(pool.map(check, files))
    if any(code != 0 for code in codes):
        raise SystemExit(f"Lean rejected a file in {folder} that the run had accepted")
    return time.perf_counter() - started


def script_parser(doc: str | None) -> argparse.ArgumentParser:
    """A script's command line, described by its module docstring (line breaks kept)."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def shipped_rules(theory: str) -> RuleSet:
    """The rule set of a theory shipped with the package (`field`, `calculus`, …)."""
    return load_rules(rules_path(theory))


def run_cli(argv: list[str]) -> float:
    """Run one `rpsdg-formal` command in this process; its wall time, or exit if it failed."""
    started = time.monotonic()
    if cli(argv) != 0:
        sys.exit(f"`rpsdg-formal {' '.join(argv)}` failed")
    return time.monotonic() - started


def export_with_negatives(data: Path, export: Path, negatives: int, route: str) -> float:
    """`export --format jsonl` of a generated folder, wrong steps judged on `route`."""
    return run_cli(["export", str(data), "--format", "jsonl", "--out", str(export),
                    "--negatives", str(negatives), "--quiet", "--kernel", route])  # fmt: skip


def replay_folder(
    folder: Path, theory: str, route: str
) -> tuple[ReplayReport, list[NegativeRow], float, int]:
    """Replay folder/export's proofs and wrong steps from folder/data's records through the
    environment: the report, the wrong steps, the wall time and the obligations checked."""
    rules = shipped_rules(theory)
    data, export = folder / "data", folder / "export"
    records = {str(r["id"]): r for _, r in read_jsonl(data / "theorems.jsonl")}
    steps = [r for _, r in read_jsonl(export / "data" / "steps.jsonl")]
    wrong = [NegativeRow.from_json(r) for _, r in read_jsonl(export / "data" / "negatives.jsonl")]
    config = KernelConfig(sequential=True, route=route)
    checker = KernelChecker(prepare_kernel(rules.theory, config), folder, jobs=2)
    started = time.monotonic()
    report = replay_exported(records, steps, wrong, rules, checker)
    return report, wrong, time.monotonic() - started, checker.checked
