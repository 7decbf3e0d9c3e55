"""What `bench_scale` measures besides the run itself: the preparing workers' stages in this
process, and the direct kernel route alone on the theorems a run wrote.

`stage_split` times, with `time.process_time` after a warm-up, what a preparing worker does
per index: the walk, the selection (graph, certifying search, shortest proofs), the statement
key, the certificate text, the record (then the whole preparation on new indices, with the
default cyclic collector and with the workers' `rare_collections`), and the hand-off to the
parent: on the default route the worker finishes the record with its verdicts and pickles the
judged item (`pipeline.judged`; timed here with an accepted verdict per theorem, the kernel
itself not included).

`direct_kernel_only` reads a run's records back, rebuilds each theorem's proofs (and so their
specs) from the records' steps exactly as `check` does, then has a fresh direct-route pool (one
worker per core) check every proof: the kernel-only baseline of the ratio. Its CPU is the
workers' (start-up included) plus this process's share (sending the specs); the replay before it
is not counted. `direct_kernel_in_process` checks the same theorems in this one process, with no
pool and no pipes, as a default-route worker checks its own items: the stricter baseline.
"""

from __future__ import annotations

import gc
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchlib import children_cpu, cpu_ms, warm_up

from rpsdg_formal.dataset.jsonl import read_jsonl
from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.families.records import make_candidate, theorem_record
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import Accepted, Kernel, Verdict
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.pool import KernelPool
from rpsdg_formal.pipeline.judged import judged
from rpsdg_formal.pipeline.prepare import Prepared, Preparer
from rpsdg_formal.pipeline.record_check import check_record
from rpsdg_formal.pipeline.workers import rare_collections
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import statement_key
from rpsdg_formal.theory.rules import RuleSet

T = TypeVar("T")


def stage_split(rules: RuleSet, seed: int, count: int) -> list[tuple[str, float]]:
    """CPU ms per index of each stage of a default field preparation, over `count` indices."""
    theory, index = rules.theory, RuleIndex.build(rules.rules)
    warm_up(rules, seed)
    indices = range(count)
    walks, walk = cpu_ms(
        lambda: [draw_walk(WalkConfig(), index, theorem_rng(seed, i)) for i in indices], count
    )
    config = SelectConfig()
    picked, select = cpu_ms(lambda: [select_theorem(w, index, config) for w in walks], count)
    chosen = [s for s in picked if s is not None]
    _, key = cpu_ms(lambda: [statement_key(s.start, s.proofs[0][-1].after) for s in chosen], count)
    names = [f"{theory.name}_s{seed}_n{i}" for i in range(len(chosen))]
    cands, text = cpu_ms(
        lambda: [
            make_candidate(n, i, s.start, s.proofs, theory, s.bound)
            for i, (n, s) in enumerate(zip(names, chosen, strict=True))
        ],
        count,
    )
    _, record = cpu_ms(
        lambda: [theorem_record(c, theory, (), "", "", seed, c.proofs[1:]) for c in cands], count
    )
    preparer = Preparer(rules, RewriteFamily(WalkConfig(), SelectConfig()), seed)
    items, whole = cpu_ms(lambda: [preparer(i) for i in indices], count)
    _, trip = cpu_ms(lambda: [pickle.dumps(judged(i, _accepted(i), "")) for i in items], count)
    later = range(count, 2 * count)  # indices no stage above has seen, for both rows
    _, default = cpu_ms(lambda: [preparer(i) for i in later], count)
    again = range(2 * count, 3 * count)
    rare = _with_rare_collections(lambda: cpu_ms(lambda: [preparer(i) for i in again], count))
    return [
        ("walk", walk),
        ("selection (graph, certifying search, shortest proofs)", select),
        ("statement key", key),
        ("certificate text (emit)", text),
        ("record", record),
        ("whole preparation (the above together)", whole),
        ("whole preparation, new indices, the default collector", default),
        ("whole preparation, new indices, collecting as the workers do", rare[1]),
        ("finishing the record + pickling the judged item for the parent", trip),
    ]


def _with_rare_collections(work: Callable[[], T]) -> T:
    """`work()` under the workers' collector settings, then the settings restored."""
    threshold = gc.get_threshold()
    rare_collections()
    try:
        return work()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _accepted(item: Prepared) -> list[Verdict]:
    """An accepted verdict for each theorem the kernel would see (none for the others)."""
    if item.key is None or item.error is not None:
        return []
    return [Accepted(("RpsdgFormal.Field.add_comm",))] * len(item.theorems)


def replayed_theorems(out: Path, rules: RuleSet, lean_version: str) -> list[LeanTheorem]:
    """Every proof of every record in `out/theorems.jsonl`, rebuilt from the record's steps
    (with its spec), as `check` rebuilds them."""
    theorems: list[LeanTheorem] = []
    for _, raw in read_jsonl(out / "theorems.jsonl"):
        checked = check_record(TheoremRecord.from_json(raw), rules, lean_version)
        theorems.extend(p.lean for p in checked.replayed.proofs)
    return theorems


def direct_kernel_only(
    theorems: list[LeanTheorem], kernel: Kernel, batch: int = 250
) -> tuple[float, float, int]:
    """(wall s, CPU s, accepted) of a fresh direct-route pool checking `theorems` in batches of
    `batch`, each batch split over the workers as `generate` does."""
    setup = DirectSetup.of(kernel)
    children, own = children_cpu(), time.process_time()
    started = time.perf_counter()
    with KernelPool(setup, os.cpu_count()) as pool:
        verdicts = []
        for first in range(0, len(theorems), batch):
            verdicts.extend(pool.check(theorems[first : first + batch]))
    wall = time.perf_counter() - started
    cpu = children_cpu() - children + time.process_time() - own
    return wall, cpu, sum(isinstance(v, Accepted) for v in verdicts)


def direct_kernel_in_process(theorems: list[LeanTheorem], kernel: Kernel) -> tuple[float, int]:
    """(CPU s, accepted) of this process starting the direct route and checking `theorems`,
    with no pool and no pipes: what a default-route worker pays for the kernel."""
    setup = DirectSetup.of(kernel)
    own = time.process_time()
    direct = DirectKernel(setup)
    verdicts = [direct.check(t) for t in theorems]
    return time.process_time() - own, sum(isinstance(v, Accepted) for v in verdicts)
