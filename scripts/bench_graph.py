"""Benchmark the graph stage: cost of building the graph and certifying the lower bound per
theorem, how it grows with --steps, and a check over many theorems that every proof is a
shortest path of its graph (networkx's own path length, independent of our proof search).

    python scripts/bench_graph.py --count 2000
"""

from __future__ import annotations

import statistics
import sys
import time

import networkx as nx
from benchlib import script_parser, shipped_rules

from rpsdg_formal.rewriting.graph import SearchBounds
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=2000, help="theorems for the shortest check")
    parser.add_argument("--per-setting", type=int, default=60, help="theorems per timing row")
    args = parser.parse_args()
    rules = shipped_rules("field")
    index = RuleIndex.build(rules.rules)

    print("steps  budget  walk ms  select ms  bound mean  optimal  nodes mean")
    for budget in (300, 3000):
        for steps in (2, 4, 6, 8, 10):
            walk_s = select_s = 0.0
            bounds, nodes, optimal = [], [], 0
            config = SelectConfig(bounds=SearchBounds(node_budget=budget))
            for i in range(args.per_setting):
                t0 = time.perf_counter()
                walk = draw_walk(WalkConfig(steps=steps), index, theorem_rng(100 + steps, i))
                t1 = time.perf_counter()
                selected = select_theorem(walk, index, config)
                t2 = time.perf_counter()
                walk_s += t1 - t0
                select_s += t2 - t1
                if selected is not None:
                    bounds.append(selected.bound.value)
                    nodes.append(selected.bound.nodes)
                    optimal += selected.bound.value == len(selected.proofs[0])
            n = args.per_setting
            mean_bound, mean_nodes = statistics.mean(bounds), statistics.mean(nodes)
            print(
                f"{steps:5d}  {budget:6d}  {1000 * walk_s / n:7.1f}  {1000 * select_s / n:9.1f}"
                f"  {mean_bound:10.2f}  {optimal:4d}/{n}  {mean_nodes:10.0f}"
            )

    mismatches = 0
    started = time.perf_counter()
    config = SelectConfig(proofs=3)
    for i in range(args.count):
        walk = draw_walk(WalkConfig(steps=8), index, theorem_rng(7, i))
        selected = select_theorem(walk, index, config)
        if selected is None:
            continue
        shortest = nx.shortest_path_length(selected.graph.graph, walk.start, walk.end)
        mismatches += any(len(p) != shortest for p in selected.proofs)
    seconds = time.perf_counter() - started
    print(
        f"shortest-path check: {args.count} theorems, {mismatches} with a proof that is not a "
        f"shortest path of its graph ({seconds:.1f} s)"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
