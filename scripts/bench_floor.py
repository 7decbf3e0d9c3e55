"""The CPU floor per theorem of each stage of the pipeline, against the budget a target rate
allows (1,000,000 verified theorems per CPU-hour is 3.6 ms of CPU per theorem, for everything).

After a warm-up on other indices, each stage is timed alone with `time.process_time` (CPU,
not wall time, so other load on the machine matters less), in one process, over the same
theorem indices: the random walk (over the compiled listing, and again with the pure-Python
reference, `WalkConfig(compiled=False)`, which must draw the same walks), the networkx proof
graph with its shortest proofs, the
certifying search of the lower bound, the record and Lean certificate, and Lean itself on the
certificates (elaboration plus kernel, one process with `-j1`, sequential elaboration, as
`generate` runs it).

    python scripts/bench_floor.py --count 300
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
from pathlib import Path

from benchlib import children_cpu, cpu_ms, shipped_rules, warm_up

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import check_batch, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.emit import batch_file
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.graph import ProofGraph
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng

TARGET_MS = 3600.0 / 1_000_000 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="theorem indices (300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rules = shipped_rules("field")
    index = RuleIndex.build(rules.rules)
    walk_config, select = WalkConfig(), SelectConfig()
    indices = range(args.count)
    warm_up(rules, args.seed)

    walks, walk_ms = cpu_ms(lambda: [draw_walk(walk_config, index, theorem_rng(args.seed, i))
                                     for i in indices])  # fmt: skip
    python_walk = dataclasses.replace(walk_config, compiled=False)
    reference, python_walk_ms = cpu_ms(lambda: [draw_walk(python_walk, index,
                                                          theorem_rng(args.seed, i))
                                                for i in indices])  # fmt: skip
    if reference != walks:
        raise SystemExit("the compiled walk and the Python walk differ: a bug")

    def graphs() -> None:
        for walk in walks:
            graph = ProofGraph()
            graph.add_walk(walk.steps)
            graph.shortest_proofs(walk.start, walk.end, 1)

    _, graph_ms = cpu_ms(graphs)
    _, select_ms = cpu_ms(lambda: [select_theorem(w, index, select) for w in walks])
    preparer = Preparer(rules, RewriteFamily(walk_config, select), args.seed)
    items, prepare_ms = cpu_ms(lambda: [preparer(i) for i in indices])
    theorems = [t for item in items for t in item.theorems[:1]]
    kernel = prepare_kernel(rules.theory, KernelConfig(sequential=True))
    with tempfile.TemporaryDirectory() as folder:
        before = children_cpu()
        check_batch(kernel, batch_file(rules.theory, theorems), Path(folder) / "floor.lean")
        lean_ms = (children_cpu() - before) * 1000

    n, made = args.count, len(theorems)
    rows = [
        ("walk (draw_walk)", walk_ms / n),
        ("walk, pure-Python reference (same walks)", python_walk_ms / n),
        ("networkx graph + shortest proof", graph_ms / n),
        ("select (graph + certifying search)", select_ms / n),
        ("whole preparation (select + record + certificate)", prepare_ms / max(made, 1)),
        ("Lean on the certificates (elaborator + kernel)", lean_ms / max(made, 1)),
    ]
    print(f"{n} indices, {made} theorems; budget at 1,000,000/CPU-hour: {TARGET_MS:.1f} ms")
    print(f"{'stage':52} {'ms CPU/theorem':>15} {'x budget':>9}")
    for name, ms in rows:
        print(f"{name:52} {ms:15.2f} {ms / TARGET_MS:9.2f}")
    total = prepare_ms / max(made, 1) + lean_ms / max(made, 1)
    print(f"{'preparation + Lean':52} {total:15.2f} {total / TARGET_MS:9.2f}")
    print(f"walk: the compiled listing is {python_walk_ms / walk_ms:.1f}x the Python reference")
    print(f"ceiling: {3_600_000 / total:,.0f} verified theorems per CPU-hour")


if __name__ == "__main__":
    main()
