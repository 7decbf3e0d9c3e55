"""`emit.check_chain` (which walks the recorded trees instead of rebuilding them) refuses
exactly the steps its first definition refused: the rebuilt rule instance at the recorded
position must be the recorded before and after. Random walks of every shipped theory, with one
step tampered at random (its result, its position, its direction or a substituted value)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.kernel.emit import check_chain
from rpsdg_formal.rewriting.steps import RuleIndex, Step
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import Expr, positions, replace, substitute, subterm
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import load_rules

INDEXES = {t: RuleIndex.build(load_rules(rules_path(t)).rules) for t in shipped_theories()}


def first_misfit(start: Expr, steps: Sequence[Step]) -> int | None:
    """The number of the first step that does not fit, by the first definition, or None."""
    current = start
    for number, step in enumerate(steps, 1):
        pattern, produced = step.rule.side(step.reverse)
        binding = step.binding()
        try:
            if (
                step.before is not current
                or subterm(step.before, step.path) is not substitute(pattern, binding)
                or replace(step.before, step.path, substitute(produced, binding)) is not step.after
            ):
                return number
        except IndexError:
            return number
        current = step.after
    return None


def tampered(step: Step, how: int, other: Expr) -> Step:
    """`step` with one thing changed (`other`: a tree from elsewhere in the walk)."""
    if how == 0:
        return dataclasses.replace(step, after=other)
    if how == 1:
        paths = [p for p, _ in positions(step.before)]
        return dataclasses.replace(step, path=paths[len(step.path) % len(paths)])
    if how == 2:
        return dataclasses.replace(step, reverse=not step.reverse)
    if how == 3 and step.substitution:
        name, _ = step.substitution[0]
        return dataclasses.replace(step, substitution=((name, other), *step.substitution[1:]))
    return dataclasses.replace(step, after=replace(step.after, step.path, other))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(INDEXES)),
    st.integers(0, 10_000),
    st.integers(0, 20),
    st.integers(0, 4),
    st.integers(0, 50),
)
def test_check_chain_refuses_what_its_first_definition_refused(
    theory: str, seed: int, which: int, how: int, pick: int
) -> None:
    walk = draw_walk(WalkConfig(steps=6), INDEXES[theory], theorem_rng(seed, 0))
    steps = list(walk.steps)
    if not steps:
        return
    number = which % len(steps)
    trees = [walk.start, *(s.after for s in steps)]
    others = [sub for tree in trees for _, sub in positions(tree)]
    steps[number] = tampered(steps[number], how, others[pick % len(others)])
    assert first_misfit(walk.start, walk.steps) is None
    check_chain(walk.start, walk.steps)  # the untouched walk fits
    misfit = first_misfit(walk.start, steps)
    if misfit is None:
        check_chain(walk.start, steps)
    else:
        with pytest.raises(ValueError, match=f"step {misfit} "):
            check_chain(walk.start, steps)
