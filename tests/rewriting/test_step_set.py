"""One step set for the certified bound and the proofs: every proof step lies in it, it is
closed under reversal, and the bound is sound against a plain BFS over a re-implementation."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from plain_bfs import plain_distance

from rpsdg_formal.cli.families import walk_config
from rpsdg_formal.cli.main import build_parser
from rpsdg_formal.rewriting.graph import SearchBounds, step_key
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import (
    RuleIndex,
    Step,
    all_in_step_set,
    in_step_set,
    reverse_step,
    successors,
)
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import Expr, Kind, var, variables
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

THEORIES = ("field", "calculus", "equation")


def _setup(theory: str, steps: int = 6) -> tuple[RuleSet, RuleIndex, WalkConfig]:
    rules = load_rules(rules_path(theory))
    args = build_parser().parse_args(
        ["generate", "--theory", theory, "--out", "unused", "--steps", str(steps)]
    )
    return rules, RuleIndex.build(rules.rules), walk_config(args, rules)


def _allowed(step: Step, theorem_vars: set[str]) -> bool:
    """The README's definition, written again without `steps`: every variable that occurs on
    one side of the rule only takes one of the theorem's variables as its value."""
    lhs = {n.head for n in _nodes(step.rule.lhs) if n.kind is Kind.VAR}
    rhs = {n.head for n in _nodes(step.rule.rhs) if n.kind is Kind.VAR}
    values = dict(step.substitution)
    return all(values[v].kind is Kind.VAR and values[v].head in theorem_vars for v in lhs ^ rhs)


def _nodes(expr: Expr) -> list[Expr]:
    found, stack = [], [expr]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.args)
    return found


@pytest.mark.parametrize("theory", THEORIES)
def test_every_proof_step_is_in_the_certified_step_set(theory: str) -> None:
    _, index, walk_conf = _setup(theory)
    config = SelectConfig(proofs=3, explore=True, bounds=SearchBounds(node_budget=300))
    checked = 0
    for i in range(12):
        walk = draw_walk(walk_conf, index, theorem_rng(31, i))
        selected = select_theorem(walk, index, config)
        if selected is None:
            continue
        names = set(variables(walk.start))
        fresh = tuple(var(v) for v in names)
        for proof in selected.proofs:
            for step in proof:
                assert _allowed(step, names), (theory, i, step.rule.name, step.substitution)
                assert in_step_set(step, fresh)
                checked += 1
        # every edge of the graph the proofs are read from is in the set too
        for _, _, data in selected.graph.graph.edges(data=True):
            assert _allowed(data["step"], names)
    assert checked > 12


@pytest.mark.parametrize("theory", THEORIES)
def test_the_step_set_is_closed_under_reversal(theory: str) -> None:
    _, index, walk_conf = _setup(theory, steps=3)
    for i in range(4):
        walk = draw_walk(walk_conf, index, theorem_rng(32, i))
        fresh = tuple(var(v) for v in variables(walk.start))
        steps = list(successors(walk.end, index, fresh, 40, symmetric=True))
        for step in steps[i::6]:
            back = {step_key(s) for s in successors(step.after, index, fresh, 40, True)}
            assert step_key(reverse_step(step)) in back


@pytest.mark.parametrize("theory", THEORIES)
def test_walks_are_in_the_step_set_as_each_step_is(theory: str) -> None:
    """`all_in_step_set` (selection's one loop) says what `in_step_set` and the README's
    definition say of every step, on every step out of walk nodes (those that introduce a
    compound value included) and on whole walks."""
    _, index, walk_conf = _setup(theory, steps=4)
    seen = {True: 0, False: 0}
    for i in range(6):
        walk = draw_walk(walk_conf, index, theorem_rng(34, i))
        names = set(variables(walk.start))
        fresh = tuple(var(v) for v in sorted(names))
        values = (*fresh, walk.start)  # a compound value too: steps that introduce it
        loose = [s for n in (walk.start, walk.end) for s in successors(n, index, values, 60)]
        for step in (*loose, *walk.steps):
            expected = _allowed(step, names)
            assert in_step_set(step, fresh) is expected
            assert all_in_step_set((step,), fresh) is expected
            assert all_in_step_set((*walk.steps, step), fresh) is (
                expected and all(_allowed(s, names) for s in walk.steps)
            )
            seen[expected] += 1
    assert seen[True] and seen[False]


def test_a_collapse_of_a_compound_value_is_not_a_step(field_rules: RuleSet) -> None:
    from rpsdg_formal.terms.parse import parse_expr

    index = RuleIndex.build(field_rules.rules)
    sig = field_rules.theory.signature
    expr = parse_expr("(y / y) * 0", sig)
    fresh = (var("y"),)
    loose = {s.after for s in successors(expr, index, fresh, 20)}
    strict = {s.after for s in successors(expr, index, fresh, 20, symmetric=True)}
    zero = parse_expr("0", sig)
    assert zero in loose and zero not in strict  # `mul_zero` with a := y / y is left out
    assert zero in {s.after for s in successors(parse_expr("y * 0", sig), index, fresh, 20, True)}


def _distance(start: Expr, end: Expr, index: RuleIndex, cap: int, limit: int) -> int | None:
    """Plain one-sided BFS over the re-implemented step set, no budget."""
    names = set(variables(start))
    fresh = tuple(var(v) for v in names)

    def neighbours(node: Expr) -> Iterable[Expr]:
        return (s.after for s in successors(node, index, fresh, cap) if _allowed(s, names))

    return plain_distance(start, end, neighbours, limit)


@pytest.mark.parametrize("i", range(12))
def test_hard_bounds_are_sound_against_a_plain_bfs(field_rules: RuleSet, i: int) -> None:
    index = RuleIndex.build(field_rules.rules)
    args = build_parser().parse_args(
        ["generate", "--out", "u", "--vars", "x", "--max-size", "8", "--max-ops", "3",
         "--steps", "10"]
    )  # fmt: skip
    walk = draw_walk(walk_config(args, field_rules), index, theorem_rng(33, i))
    selected = select_theorem(walk, index, SelectConfig(bounds=SearchBounds(node_budget=3000)))
    if selected is None:
        return
    proof, bound = selected.proofs[0], selected.bound
    true = _distance(walk.start, walk.end, index, bound.size_cap, len(proof))
    assert true is not None and bound.value <= true <= len(proof)
    if bound.exact:
        assert true == bound.value == len(proof)
