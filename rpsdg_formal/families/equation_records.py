"""Equation records: the theorems of an equation problem, its JSONL record, and the replay.

A problem gives three kinds of theorem, all kernel-checked: the solution (`equations →
answers`), the converse (`answers → equations`) and other solutions of the same statement.
A record keeps every equation step (the function applied to both sides, or the rule and
position of a rewrite), so `check` rebuilds each certificate from the steps alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.errors import ExprSyntaxError, RewriteError
from rpsdg_formal.families.equation import Labelled, Problem, sympy_agrees
from rpsdg_formal.families.records import (
    SCHEMA_VERSION,
    Proof,
    field_of,
    proof_name,
    replay_step,
    step_record,
)
from rpsdg_formal.kernel.emit import HOLE, HOLE2, LeanTheorem, implication_theorem
from rpsdg_formal.rewriting.steps import EquationStep, Sides, combine, congruence, rewrite_side
from rpsdg_formal.terms.expr import Kind, num, var, variables
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_latex, to_lean, to_plain
from rpsdg_formal.terms.signature import Signature, is_lean_ident
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class EquationCandidate:
    """An equation problem before the kernel has judged it: the solving theorem first, then
    the converse, then other solutions; the record needs all of them accepted."""

    id: str
    index: int
    problem: Problem
    proofs: tuple[Proof, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def lean(self) -> LeanTheorem:
        return self.proofs[0].lean


def _steps(labelled: Sequence[Labelled]) -> list[EquationStep]:
    return [item.step for item in labelled]


def equation_candidate(
    id_: str, index: int, problem: Problem, theory: Theory, extra: Mapping[str, Any]
) -> EquationCandidate:
    """Emit the theorems of `problem` (raises SideConditionError for a divisor that is not a
    non-zero numeral)."""
    binders = problem.unknowns
    equations, answers = problem.equations, problem.premises
    goal = problem.solution_goal
    theorems = [
        implication_theorem(id_, binders, equations, _steps(problem.solution), theory, goal),
        implication_theorem(
            f"{id_}_converse",
            binders,
            answers,
            _steps(problem.construction),
            theory,
            problem.construction_goal,
        ),
        *(
            implication_theorem(proof_name(id_, k), binders, equations, _steps(steps), theory, goal)
            for k, steps in enumerate(problem.alternatives, 1)
        ),
    ]
    return EquationCandidate(id_, index, problem, tuple(Proof((), t) for t in theorems), extra)


def _sides(sides: Sides, sig: Signature) -> list[str]:
    return [to_human(sides[0], sig), to_human(sides[1], sig)]


def equation_step_record(item: Labelled, theory: Theory) -> dict[str, Any]:
    """One equation step as data: what it does, to which equations, and the result."""
    sig = theory.signature
    step = item.step
    row: dict[str, Any] = {"before": _sides(step.before, sig), "do": item.note}
    if step.sources:
        row["sources"] = list(step.sources)
    if step.context is not None:
        row["apply"] = to_human(step.context, sig)
    elif step.step is not None:
        row["rewrite"] = {"side": "left" if step.side == 0 else "right"}
        row["rewrite"].update(step_record(step.step, theory))
    row["after"] = _sides(step.after, sig)
    return row


def _proof_fields(
    proof: Proof, steps: Sequence[Labelled], theory: Theory, goal: Sequence[int] = ()
) -> dict[str, Any]:
    return {
        "goal": list(goal),
        "lean_name": proof.lean.name,
        "lean_statement": proof.lean.statement,
        "lean_proof": proof.lean.proof,
        "steps": [equation_step_record(s, theory) for s in steps],
    }


def equation_record(
    candidate: EquationCandidate,
    theory: Theory,
    axioms: Sequence[str],
    lean_version: str,
    lean_file: str,
    seed: int,
) -> dict[str, Any]:
    """The JSONL record of an equation problem whose theorems the kernel all accepted."""
    sig = theory.signature
    problem = candidate.problem
    rewrites = [s.step.step for s in problem.solution if s.step.step is not None]
    states = [s.step.after for s in problem.solution]
    shown = " ∧ ".join(f"{to_lean(a, sig)} = {to_lean(b, sig)}" for a, b in problem.equations)
    answers = " ∧ ".join(f"{name} = {value}" for name, value in problem.answers)
    first = problem.equation
    return {
        "id": candidate.id,
        "theory": theory.name,
        "seed": seed,
        "index": candidate.index,
        "statement": f"∀ {' '.join(problem.unknowns)}, {shown} → {answers}",
        "variables": list(problem.unknowns),
        "start": to_human(first[0], sig),
        "end": to_human(first[1], sig),
        "latex": ",\\quad ".join(
            f"{to_latex(a, sig)} = {to_latex(b, sig)}" for a, b in problem.equations
        ),
        **candidate.extra,
        "system": [_sides(e, sig) for e in problem.equations],
        "lean_name": candidate.lean.name,
        "lean_statement": candidate.lean.statement,
        "lean_proof": candidate.lean.proof,
        "steps": [equation_step_record(s, theory) for s in problem.solution],
        "goal": list(problem.solution_goal),
        "converse": _proof_fields(
            candidate.proofs[1], problem.construction, theory, problem.construction_goal
        ),
        "proof_length": len(problem.solution),
        "min_length_lower_bound": 1,
        "bound_search": {"method": "trivial", "why": "the premise is not the conclusion"},
        "measures": {
            "start_size": sum(a.size + b.size for a, b in problem.equations),
            "end_size": sum(a.size + b.size for a, b in problem.premises),
            "distinct_rules": len({s.rule.name for s in rewrites}),
            "max_rewrite_depth": max((len(s.path) for s in rewrites), default=0),
            "max_size": max(a.size + b.size for a, b in states),
        },
        "rules_used": sorted({s.rule.name for s in rewrites}),
        "proofs": [
            _proof_fields(proof, steps, theory, problem.solution_goal)
            for proof, steps in zip(candidate.proofs[2:], problem.alternatives, strict=True)
        ],
        "verified": {
            "kernel": "lean4",
            "lean_version": lean_version,
            "axioms": list(axioms),
            "lean_file": lean_file,
        },
        "schema": SCHEMA_VERSION,
    }


# --- replay --------------------------------------------------------------------------------------


def _pair(raw: Any, sig: Signature, what: str) -> Sides:
    if not isinstance(raw, list) or len(raw) != 2:
        raise RewriteError(f"{what} must be a pair [lhs, rhs]")
    return parse_expr(str(raw[0]), sig), parse_expr(str(raw[1]), sig)


def _replay_steps(
    premises: Sequence[Sides], raw_steps: Any, rules: RuleSet, label: str, unknowns: set[str]
) -> tuple[list[Labelled], list[Sides]]:
    """Rebuild recorded equation steps from `premises`, checking every recorded equation;
    also returns all equations (premises first)."""
    sig = rules.theory.signature
    if not isinstance(raw_steps, list) or not raw_steps:
        raise RewriteError(f"{label}: steps must be a non-empty list")
    equations = list(premises)
    done: list[Labelled] = []
    for number, raw in enumerate(raw_steps, 1):
        where = f"{label} step {number}"
        if not isinstance(raw, dict):
            raise RewriteError(f"{where} is not an object")
        sources = tuple(raw.get("sources", ()))
        if not all(isinstance(i, int) and 0 <= i < len(equations) for i in sources):
            raise RewriteError(f"{where}: sources must number earlier equations")
        current = equations[sources[0]] if sources else equations[-1]
        if "apply" in raw:
            context = parse_expr(str(raw["apply"]), sig)
            holes = {HOLE, HOLE2} if len(sources) == 2 else {HOLE}
            if not holes <= set(variables(context)) <= holes | unknowns:
                raise RewriteError(f"{where}: apply must be a function of {sorted(holes)}")
            if len(sources) == 2:
                link = combine(current, equations[sources[1]], context, (HOLE, HOLE2), sources)
            else:
                link = congruence(current, context, HOLE, sources)
        else:
            rewrite = field_of(raw, "rewrite", dict)
            side = {"left": 0, "right": 1}.get(str(rewrite.get("side")))
            if side is None:
                raise RewriteError(f"{where}: rewrite side must be left or right")
            step = replay_step(current[side], rewrite, rules, where)
            link = rewrite_side(current, side, step, sources)
        if raw.get("after") != _sides(link.after, sig):
            raise RewriteError(f"{where}: the recorded equation does not match the replay")
        done.append(Labelled(link, str(raw.get("do", ""))))
        equations.append(link.after)
    return done, equations


def _goal(equations: list[Sides], goal: Sequence[int]) -> list[Sides]:
    return [equations[i] for i in goal] if goal else [equations[-1]]


def _compare(theorem: LeanTheorem, raw: Mapping[str, Any], what: str) -> None:
    recorded = (raw.get("lean_name"), raw.get("lean_statement"), raw.get("lean_proof"))
    if recorded != (theorem.name, theorem.statement, theorem.proof):
        raise RewriteError(f"the {what} certificate does not match the one rebuilt from its steps")


def _goal_of(raw: Mapping[str, Any], equations: list[Sides]) -> tuple[int, ...]:
    """The equations a recorded proof concludes (`goal`: their numbers; none: the last)."""
    goal = raw.get("goal", [])
    if not isinstance(goal, list) or not all(
        isinstance(i, int) and 0 <= i < len(equations) for i in goal
    ):
        raise RewriteError("goal must number equations of the proof")
    return tuple(goal)


def replay_equation(record: Mapping[str, Any], rules: RuleSet) -> EquationCandidate:
    """Rebuild an equation record's theorems from its equations and steps (as `replay` does
    for rewrite theorems), and check its plain `equations`/`solution` and SymPy's answer."""
    sig = rules.theory.signature
    name = field_of(record, "lean_name", str)
    if not is_lean_ident(name) or "." in name:
        raise RewriteError(f"lean_name {name!r} is not a plain Lean identifier")
    solution_map = field_of(record, "solution", dict)
    try:
        answers = tuple((str(k), int(str(v))) for k, v in solution_map.items())
    except ValueError:
        raise RewriteError("solution values must be whole numbers") from None
    names = {n for n, _ in answers}
    if list(record.get("variables", [])) != [n for n, _ in answers] or not all(
        is_lean_ident(n) for n in names
    ):
        raise RewriteError("variables must be the unknowns of the solution, in order")
    premises = tuple((var(n), num(v)) for n, v in answers)
    try:
        equations = tuple(
            _pair(e, sig, "each system equation") for e in field_of(record, "system", list)
        )
        solution, derived = _replay_steps(equations, record.get("steps"), rules, "solution", names)
        converse_raw = field_of(record, "converse", dict)
        construction, built = _replay_steps(
            premises, converse_raw.get("steps"), rules, "converse", names
        )
        others = field_of(record, "proofs", list)
        alternatives = []
        for k, other in enumerate(others, 2):
            if not isinstance(other, dict):
                raise RewriteError(f"proof {k} is not an object")
            steps, reached = _replay_steps(
                equations, other.get("steps"), rules, f"proof {k}", names
            )
            if _goal(reached, _goal_of(other, reached)) != list(premises):
                raise RewriteError(f"proof {k} does not end at the answers")
            alternatives.append(tuple(steps))
    except ExprSyntaxError as err:
        raise RewriteError(f"unparsable expression: {err}") from err
    solution_goal = _goal_of(record, derived)
    construction_goal = _goal_of(converse_raw, built)
    if _goal(derived, solution_goal) != list(premises):
        raise RewriteError("the solution does not end at the recorded answers")
    if _goal(built, construction_goal) != list(equations):
        raise RewriteError("the converse does not end at the equations")
    problem = Problem(
        str(record.get("kind", "linear")),
        answers,
        equations,
        tuple(construction),
        tuple(solution),
        tuple(alternatives),
        construction_goal,
        solution_goal,
    )
    candidate = equation_candidate(name, int(record.get("index", 0)), problem, rules.theory, {})
    _compare(candidate.lean, record, "solving")
    _compare(candidate.proofs[1].lean, converse_raw, "converse")
    for proof, other in zip(candidate.proofs[2:], others, strict=True):
        _compare(proof.lean, other, proof.lean.name)
    plain = [[to_plain(a, sig), to_plain(b, sig)] for a, b in equations]
    if record.get("equations") != plain:
        raise RewriteError("the recorded plain equations are not the theorem's")
    disagreement = sympy_agrees(problem, sig)
    if disagreement is not None:
        raise RewriteError(disagreement)
    if any(e[1].kind is not Kind.NUM for e in premises):
        raise RewriteError("answers must be numerals")
    return candidate
