"""Hard theorems per CPU-hour: `generate --difficulty 6-12` with no other knob, the baseline
prover's success on what it made, and CPU per theorem by stage, next to the settings before
issue 20 and the plan before deceptive sides (numerals allowed, any outermost operators, no
room above the proof for the certifying search), measured in the same run.

    python scripts/bench_difficulty.py --count 200 --before-seconds 60

CPU is user + system time of this process and every process it waited for (workers, Lean):
`resource.getrusage(RUSAGE_CHILDREN)` around each command.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import children_cpu, script_parser, shipped_rules

from rpsdg_formal.cli.families import select_config, walk_config
from rpsdg_formal.cli.main import build_parser
from rpsdg_formal.env.search import DEFAULT_SEARCH, search
from rpsdg_formal.rewriting.selection import SelectConfig, Selected, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.expr import statement_key, variables
from rpsdg_formal.theory.rules import RuleSet

HARD = 6


def run_cli(*argv: str, quiet: bool = False) -> float:
    """Run `rpsdg-formal ARGV` in a child process; its CPU seconds (with its own children)."""
    before = children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "rpsdg_formal.cli", *argv],
        check=False,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    if done.returncode != 0:
        raise SystemExit(f"rpsdg-formal {' '.join(argv)} failed ({done.returncode})")
    return children_cpu() - before


def configs(rules: RuleSet, *argv: str) -> tuple[WalkConfig, SelectConfig]:
    """The walk and selection settings `generate ARGV` would use."""
    args = build_parser().parse_args(["generate", "--out", "unused", *argv])
    return walk_config(args, rules), select_config(args)


@dataclasses.dataclass
class StageCost:
    """In-process CPU of the walk and the graph/certification stage over some draws."""

    draws: int = 0
    hard: int = 0
    walk: float = 0.0
    select: float = 0.0

    def line(self, label: str) -> str:
        per = f"{(self.walk + self.select) / self.hard:.3f} s" if self.hard else "- (none)"
        rate = 3600 * self.hard / max(self.walk + self.select, 1e-9)
        return (
            f"{label}: {self.draws} draws, {self.hard} with bound >= {HARD}; per draw walk "
            f"{1000 * self.walk / max(self.draws, 1):.1f} ms, certify "
            f"{1000 * self.select / max(self.draws, 1):.1f} ms; per hard theorem "
            f"{per}; {rate:.0f} per CPU-hour (walk + certify)"
        )


def stage_cost(
    rules: RuleSet, walk: WalkConfig, select: SelectConfig, seconds: float, seed: int
) -> StageCost:
    """Draw and select theorems for `seconds` of CPU, counting those with bound >= HARD."""
    index, cost = RuleIndex.build(rules.rules), StageCost()
    select = dataclasses.replace(select, difficulty=(HARD, 99), histogram=None)
    while cost.walk + cost.select < seconds:
        t0 = time.process_time()
        drawn = draw_walk(walk, index, theorem_rng(seed, cost.draws))
        t1 = time.process_time()
        chosen = select_theorem(drawn, index, select)
        t2 = time.process_time()
        cost.draws += 1
        cost.hard += chosen is not None
        cost.walk += t1 - t0
        cost.select += t2 - t1
    return cost


def without_deceptive_sides(
    walk: WalkConfig, select: SelectConfig
) -> tuple[WalkConfig, SelectConfig]:
    """The plan as it was before deceptive sides: starts with numerals, any two sides, the
    bound certified with no room above the proof's largest expression."""
    shape = dataclasses.replace(walk.shape, numerals=(0, 1, 2))
    select = dataclasses.replace(select, deceptive=False, numeral_free=False, room=0)
    return dataclasses.replace(walk, shape=shape), select


def searched(rules: RuleSet, walk: WalkConfig, select: SelectConfig, count: int) -> str:
    """The baseline prover's search (budget 200, no kernel replay) on `count` distinct hard
    theorems drawn in process, and the walk + certify CPU they took."""
    index, seen, found = RuleIndex.build(rules.rules), set[bytes](), list[Selected]()
    select = dataclasses.replace(select, difficulty=(HARD, 99), histogram=None)
    draws, started = 0, time.process_time()
    while len(found) < count:
        chosen = select_theorem(draw_walk(walk, index, theorem_rng(3, draws)), index, select)
        draws += 1
        if chosen is None:
            continue
        key = statement_key(chosen.start, chosen.proofs[0][-1].after)
        if key not in seen:  # distinct statements, as `generate` keeps them
            seen.add(key)
            found.append(chosen)
    cpu = time.process_time() - started
    proved = sum(prove(rules, chosen) for chosen in found)
    return (
        f"{count} theorems in {draws} draws, {3600 * count / cpu:.0f} per CPU-hour (walk + "
        f"certify); baseline search, budget 200 (not replayed): {proved}/{count} proved"
    )


def prove(rules: RuleSet, chosen: Selected) -> bool:
    """Whether the baseline prover's search proves `chosen` within 200 expansions."""
    end = chosen.proofs[0][-1].after
    context = Context(tuple(dict.fromkeys(variables(chosen.start) + variables(end))))
    return search((chosen.start, end), context, rules, 200, DEFAULT_SEARCH).proved


def prover_success(folder: Path, out: Path) -> tuple[int, int, float]:
    """(proved, attempted, CPU seconds) of `evaluate --budget 200` (kernel-replayed)."""
    cpu = run_cli("evaluate", str(folder), "--budget", "200", "--levels", "1", "--out", str(out))
    report = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    return int(report["proved"]), int(report["theorems_attempted"]), cpu


def main() -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--count", type=int, default=200, help="theorems to generate (200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage-seconds", type=float, default=60, help="CPU per stage sample")
    parser.add_argument(
        "--before-seconds", type=float, default=60, help="CPU for each 'before' setting"
    )
    args = parser.parse_args()
    rules = shipped_rules("field")
    with tempfile.TemporaryDirectory(prefix="bench_difficulty.") as tmp:
        out = Path(tmp) / "hard"
        run_cli("audit", "--theory", "field", quiet=True)
        cpu = run_cli(
            "generate", "--theory", "field", "--difficulty", "6-12", "--count", str(args.count),
            "--seed", str(args.seed), "--out", str(out), "--force",
        )  # fmt: skip
        made = sum(1 for line in (out / "theorems.jsonl").open() if line.strip())
        bounds = [
            json.loads(line)["min_length_lower_bound"] for line in (out / "theorems.jsonl").open()
        ]
        proved, tried, prover_cpu = prover_success(out, Path(tmp) / "eval")
    print(
        f"generate --difficulty 6-12 (no other knob): {made} theorems, bounds "
        f"{min(bounds)}..{max(bounds)}, {cpu:.1f} s CPU (all processes) = "
        f"{3600 * made / cpu:.0f} per CPU-hour, {cpu / made:.3f} s per theorem"
    )
    print(
        f"baseline prover, budget 200, every step kernel-replayed: {proved}/{tried} proved "
        f"({100 * proved / max(tried, 1):.0f}%; {prover_cpu:.1f} s CPU)"
    )
    walk, select = configs(rules, "--difficulty", "6-12")
    now = stage_cost(rules, walk, select, args.stage_seconds, 1)
    print(now.line("stages now (in-process, --difficulty 6-12 plan, compiled search)"))
    python = dataclasses.replace(select, compiled=False)
    print(
        stage_cost(rules, walk, python, args.stage_seconds, 1).line(
            "before: the same plan with the pure-Python search"
        )
    )
    before = without_deceptive_sides(walk, select)
    print("the same plan, in process, same seeds:")
    print(f"  now (deceptive sides): {searched(rules, walk, select, args.count)}")
    print(f"  before (no deceptive sides): {searched(rules, *before, args.count)}")
    per_theorem = cpu / made
    staged = (now.walk + now.select) / max(now.hard, 1)
    print(
        f"  of {per_theorem:.3f} s per theorem end to end: walk + certify {staged:.3f} s, "
        f"the rest (emit, kernel, processes, dedup) {per_theorem - staged:+.3f} s (the two "
        f"samples draw different seeds: a negative rest is sampling noise)"
    )
    for label, argv in (
        ("before: defaults (--steps 8, cap 30, budget 200)", ()),
        ("before: issue recipe (--steps 10 --bound-budget 5000)", ("--steps", "10",
                                                                  "--bound-budget", "5000")),
    ):  # fmt: skip
        walk, select = configs(rules, *argv)
        print(stage_cost(rules, walk, select, args.before_seconds, 2).line(label))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
