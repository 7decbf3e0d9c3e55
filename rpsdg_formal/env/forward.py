"""Where a forward proof starts, and how its state looks: equation and system records (replayed
by their family, so re-derived from the rules) or a bare `{"hypotheses": [...], "goal": ...}`,
shown as Lean shows them (`x : ℝ`, `h0 : 2 * x + 1 = 9`, `⊢ x = 4`; the exports' states).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rpsdg_formal.errors import ConfigError, ExprSyntaxError, RpsdgError
from rpsdg_formal.families.equation_records import EquationCandidate
from rpsdg_formal.kernel.emit import check_variable_names
from rpsdg_formal.rewriting.steps import Sides
from rpsdg_formal.tactics.delab import pretty
from rpsdg_formal.tactics.forward import Forward
from rpsdg_formal.tactics.render import NO_GOALS, goal_state
from rpsdg_formal.terms.expr import variables
from rpsdg_formal.terms.parse import parse_equation
from rpsdg_formal.theory.rules import RuleSet

SHADOWED = "✝"
"""Lean's mark on a hypothesis a later one of the same name hides (`h1✝`)."""


class ForwardStartError(RpsdgError, ValueError):
    """A forward problem the environment cannot start from (unreadable or ill-formed)."""


def from_candidate(candidate: EquationCandidate) -> Forward:
    """The start of a replayed equation or system record: its equations as `h0`, `h1`, …, its
    answers as the goal."""
    problem = candidate.problem
    facts = tuple((f"h{i}", sides) for i, sides in enumerate(problem.equations))
    return Forward(problem.unknowns, facts, problem.premises)


def _equations(raw: Any, what: str, rules: RuleSet) -> list[Sides]:
    """A list of equations in human syntax (a goal may also be one string with `∧`)."""
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split("∧")]
    if not isinstance(raw, list) or not raw or not all(isinstance(e, str) for e in raw):
        raise ForwardStartError(f"`{what}` must be a non-empty list of equations `lhs = rhs`")
    try:
        return [parse_equation(text, rules.theory.signature) for text in raw]
    except ExprSyntaxError as err:
        raise ForwardStartError(f"cannot read `{what}`: {err}") from err


def from_mapping(theorem: Mapping[str, Any], rules: RuleSet) -> Forward:
    """The start of `{"hypotheses": ["2 * x + 1 = 9"], "goal": "x = 4"}` (human syntax; the
    goal may be a pair, `"x = 9 ∧ y = 6"` or a list of two), with optional `variables` in
    binder order (default: by first occurrence)."""
    hypotheses = _equations(theorem.get("hypotheses"), "hypotheses", rules)
    goal = _equations(theorem.get("goal"), "goal", rules)
    if len(goal) > 2:
        raise ForwardStartError("a goal is one equation or a pair")
    sides_ = [side for sides in [*hypotheses, *goal] for side in sides]
    mentioned = tuple(dict.fromkeys(v for side in sides_ for v in variables(side)))
    names = theorem.get("variables")
    binders = tuple(str(n) for n in names) if isinstance(names, list) else mentioned
    if set(mentioned) - set(binders):
        raise ForwardStartError(f"`variables` {list(binders)} miss some of the equations'")
    try:
        check_variable_names(binders, rules.theory)
    except ConfigError as err:
        raise ForwardStartError(str(err)) from err
    facts = tuple((f"h{i}", sides) for i, sides in enumerate(hypotheses))
    return Forward(binders, facts, tuple(goal))


def _equation(sides: Sides, rules: RuleSet) -> str:
    sig = rules.theory.signature
    return f"{pretty(sides[0], sig)} = {pretty(sides[1], sig)}"


def context_of(state: Forward, rules: RuleSet) -> list[tuple[str, str]]:
    """The hypotheses above `⊢`: the variables, of the theory's Mathlib carrier, then the
    equations, a hidden one marked `✝`."""
    context = [(name, rules.theory.mathlib_carrier) for name in state.binders]
    names = [name for name, _ in state.facts]
    for k, (name, sides) in enumerate(state.facts):
        hidden = name in names[k + 1 :]
        context.append((name + SHADOWED if hidden else name, _equation(sides, rules)))
    return context


def show(state: Forward | None, done: bool, rules: RuleSet) -> str:
    """The state as Lean shows it (`no goals` once the goal is closed)."""
    if state is None or done:
        return NO_GOALS
    goal = " ∧ ".join(_equation(sides, rules) for sides in state.goal)
    return goal_state(context_of(state, rules), goal)


def fact_names(state: Forward) -> Sequence[str]:
    """The hypothesis names an action may refer to (the latest of each name)."""
    return list(dict.fromkeys(name for name, _ in state.facts))
