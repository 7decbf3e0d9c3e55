"""The certifying search's input: a default field walk's nodes as prefix codes, encoded by the C
`Encoder` (`_Encoding.codes`) and by the pure-Python reference (`_Encoding.python_codes`, a memo
per sub-tree), on the same walks in one run; and the C search alone on the same theorems.

Prints CPU per walk and per node for each encoder (best of `--repeats`, after a warm-up that
fills both symbol tables), checks both give the same bytes, and the search's CPU per theorem.

Everything is timed as the pipeline runs it: under a preparing worker's cyclic-collector
settings (`pipeline.workers.rare_collections`: what the process holds frozen, the youngest
generation collected every 50,000 allocations), set after the walks are drawn, as a worker
sets them when it starts. Each is also timed first under Python's default collector, shown in
brackets as "default gc" (not what the pipeline pays; the ratio is the collector's share).

    python scripts/bench_encode.py --count 3000
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from benchlib import cpu_ms, script_parser, shipped_rules, warm_up

from rpsdg_formal.pipeline.workers import rare_collections
from rpsdg_formal.rewriting import fastsearch
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import Expr, var, variables


def _best(work: Callable[[], object], repeats: int) -> float:
    """The least CPU seconds of `repeats` runs of `work`."""
    return min(cpu_ms(work)[1] for _ in range(repeats)) / 1000


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=3000, help="walks (default 3000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs, the best kept")
    args = parser.parse_args()
    rules = shipped_rules("field")
    index = RuleIndex.build(rules.rules)
    warm_up(rules, 1)
    walks = [draw_walk(WalkConfig(), index, theorem_rng(1, i)) for i in range(args.count)]
    trees: list[tuple[Expr, ...]] = [(w.start, *(s.after for s in w.steps)) for w in walks]
    nodes = sum(t.size for each in trees for t in each)
    enc = fastsearch._encoding(index)
    if enc.native is None:
        raise SystemExit("the C extension is not built here: nothing to compare")
    if [enc.codes(t) for t in trees] != [enc.python_codes(t) for t in trees]:
        raise SystemExit("the C and Python encoders disagree")
    inputs = []
    for walk, nodes_of in zip(walks, trees, strict=True):
        fresh = array("i", [enc.symbol(var(v)) for v in variables(walk.start)])
        inputs.append(
            (enc.codes(nodes_of[:1]), enc.codes(nodes_of[-1:]), fresh, enc.codes(nodes_of))
        )
    search = fastsearch._native.search  # type: ignore[union-attr]
    timed: list[tuple[str, Callable[[], object], str]] = [
        ("C Encoder", lambda: [enc.codes(t) for t in trees], "walk"),
        ("Python encode", lambda: [enc.python_codes(t) for t in trees], "walk"),
        ("C search", lambda: [search(enc.code, enc.symplans, enc.planlist, *i, 40, 9, 12, 200)
                              for i in inputs], "theorem"),
    ]  # fmt: skip
    default_gc = [_best(work, args.repeats) for _, work, _ in timed]
    rare_collections()  # from here on, as a preparing worker runs
    for (name, work, unit), default in zip(timed, default_gc, strict=True):
        seconds = _best(work, args.repeats)
        per = f"{seconds * 1e9 / nodes:6.1f} ns a node" if unit == "walk" else "cap 40, budget 200"
        print(
            f"{name:14s} {seconds * 1e6 / len(trees):7.1f} us a {unit:7s} {per}  "
            f"(default gc: {default * 1e6 / len(trees):6.1f} us, {default / seconds:.2f}x)"
        )


if __name__ == "__main__":
    main()
