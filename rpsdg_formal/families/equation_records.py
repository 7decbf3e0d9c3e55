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

from rpsdg_formal.dataset.record import (
    SCHEMA_VERSION,
    EquationStepRow,
    Json,
    ProofRow,
    Row,
    TheoremRecord,
)
from rpsdg_formal.errors import ExprSyntaxError, RecordError, RewriteError
from rpsdg_formal.families.equation import Labelled, Problem, problem_text, sympy_agrees
from rpsdg_formal.families.records import Proof, plain_name, proof_name, replay_step, step_record
from rpsdg_formal.kernel.emit import HOLE, HOLE2, LeanTheorem
from rpsdg_formal.kernel.implication import implication_theorem
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


def _measures(problem: Problem) -> dict[str, int]:
    """Secondary difficulty measures of an equation's solution, as for rewrite theorems."""
    rewrites = [s.step.step for s in problem.solution if s.step.step is not None]
    states = [s.step.after for s in problem.solution]
    return {
        "start_size": sum(a.size + b.size for a, b in problem.equations),
        "end_size": sum(a.size + b.size for a, b in problem.premises),
        "distinct_rules": len({s.rule.name for s in rewrites}),
        "max_rewrite_depth": max((len(s.path) for s in rewrites), default=0),
        "max_size": max(a.size + b.size for a, b in states),
    }


def statement_text(problem: Problem, theory: Theory, earlier: bool = False) -> str:
    """`∀ x : ℝ, 2 * x + 1 = 9 → x = 4`: the solving theorem in Lean's notation, its unknowns
    typed by the theory's Mathlib carrier (untyped, Lean would make them natural numbers);
    `earlier`: the untyped `∀ x,` of records written before, which `check` still accepts."""
    sig = theory.signature
    shown = " ∧ ".join(f"{to_lean(a, sig)} = {to_lean(b, sig)}" for a, b in problem.equations)
    answers = " ∧ ".join(f"{name} = {value}" for name, value in problem.answers)
    binders = " ".join(problem.unknowns)
    typed = binders if earlier else f"{binders} : {theory.mathlib_carrier}"
    return f"∀ {typed}, {shown} → {answers}"


def latex_text(problem: Problem, sig: Signature, earlier: bool = False) -> str:
    """The equations in LaTeX as `Problem.shown` shows them (`earlier`: as built, `1 \\cdot x`,
    as records written before print them)."""
    equations = problem.equations if earlier else problem.shown
    return ",\\quad ".join(f"{to_latex(a, sig)} = {to_latex(b, sig)}" for a, b in equations)


def earlier_texts(problem: Problem, theory: Theory) -> dict[str, str]:
    """The fields whose wording changed, as records written before worded them (`check`
    accepts either wording of each)."""
    sig = theory.signature
    return {
        "statement": statement_text(problem, theory, earlier=True),
        "latex": latex_text(problem, sig, earlier=True),
        "problem": problem_text(problem, sig, earlier=True),
    }


def equation_record(
    candidate: EquationCandidate,
    theory: Theory,
    axioms: Sequence[str],
    lean_version: str,
    lean_file: str,
    seed: int,
) -> TheoremRecord:
    """The record of an equation problem whose theorems the kernel all accepted."""
    sig = theory.signature
    problem = candidate.problem
    rewrites = [s.step.step for s in problem.solution if s.step.step is not None]
    first = problem.equation
    return TheoremRecord.from_json({
        "id": candidate.id,
        "theory": theory.name,
        "seed": seed,
        "index": candidate.index,
        "statement": statement_text(problem, theory),
        "variables": list(problem.unknowns),
        "start": to_human(first[0], sig),
        "end": to_human(first[1], sig),
        "latex": latex_text(problem, sig),
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
        "measures": _measures(problem),
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
    })  # fmt: skip


# --- replay --------------------------------------------------------------------------------------


def _pair(raw: Json, sig: Signature, what: str) -> Sides:
    if not isinstance(raw, list) or len(raw) != 2:
        raise RewriteError(f"{what} must be a pair [lhs, rhs]")
    return parse_expr(str(raw[0]), sig), parse_expr(str(raw[1]), sig)


def _link(
    row: EquationStepRow, equations: list[Sides], rules: RuleSet, where: str, unknowns: set[str]
) -> EquationStep:
    """The equation step a row records, rebuilt from the equations before it."""
    sig = rules.theory.signature
    sources = row.sources or ()
    if not all(0 <= i < len(equations) for i in sources):
        raise RewriteError(f"{where}: sources must number earlier equations")
    current = equations[sources[0]] if sources else equations[-1]
    if row.apply is not None:
        context = parse_expr(row.apply, sig)
        holes = {HOLE, HOLE2} if len(sources) == 2 else {HOLE}
        if not holes <= set(variables(context)) <= holes | unknowns:
            raise RewriteError(f"{where}: apply must be a function of {sorted(holes)}")
        if len(sources) == 2:
            return combine(current, equations[sources[1]], context, (HOLE, HOLE2), sources)
        return congruence(current, context, HOLE, sources)
    if row.rewrite is None:
        raise RecordError(where, "an equation step needs `apply` or `rewrite`")
    side = 0 if row.rewrite[0] == "left" else 1
    step = replay_step(current[side], row.rewrite[1], rules, where)
    return rewrite_side(current, side, step, sources)


def _replay_steps(
    premises: Sequence[Sides],
    rows: Sequence[Row],
    rules: RuleSet,
    label: str,
    unknowns: set[str],
) -> tuple[list[Labelled], list[Sides]]:
    """Rebuild recorded equation steps from `premises`, checking every recorded equation;
    also returns all equations (premises first)."""
    sig = rules.theory.signature
    if not rows:
        raise RewriteError(f"{label}: steps must be a non-empty list")
    equations = list(premises)
    done: list[Labelled] = []
    for number, row in enumerate(rows, 1):
        where = f"{label} step {number}"
        if not isinstance(row, EquationStepRow):
            raise RecordError(where, "a rewrite step where an equation step belongs")
        link = _link(row, equations, rules, where, unknowns)
        if list(row.after) != _sides(link.after, sig):
            raise RewriteError(f"{where}: the recorded equation does not match the replay")
        done.append(Labelled(link, row.do))
        equations.append(link.after)
    return done, equations


def _goal(equations: list[Sides], goal: Sequence[int]) -> list[Sides]:
    return [equations[i] for i in goal] if goal else [equations[-1]]


def _compare(theorem: LeanTheorem, name: str, statement: str | None, proof: str, what: str) -> None:
    if (name, statement, proof) != (theorem.name, theorem.statement, theorem.proof):
        raise RewriteError(f"the {what} certificate does not match the one rebuilt from its steps")


def _goal_of(goal: tuple[int, ...] | None, equations: list[Sides]) -> tuple[int, ...]:
    """The equations a recorded proof concludes (`goal`: their numbers; none: the last)."""
    if not all(0 <= i < len(equations) for i in goal or ()):
        raise RewriteError("goal must number equations of the proof")
    return goal or ()


def _answers(record: TheoremRecord) -> tuple[tuple[str, int], ...]:
    """The recorded solution as (unknown, value) pairs, which `variables` must list in order."""
    solution = record.details.get("solution")
    if not isinstance(solution, dict):
        raise RecordError("solution", "missing or not an object")
    try:
        answers = tuple((str(k), int(str(v))) for k, v in solution.items())
    except ValueError:
        raise RecordError("solution", "values must be whole numbers") from None
    names = [n for n, _ in answers]
    if list(record.variables) != names or not all(is_lean_ident(n) for n in names):
        raise RecordError("variables", "must be the unknowns of the solution, in order")
    return answers


def _alternatives(
    record: TheoremRecord, equations: tuple[Sides, ...], premises: tuple[Sides, ...], rules: RuleSet
) -> list[tuple[Labelled, ...]]:
    names = set(record.variables)
    alternatives = []
    for k, other in enumerate(record.proofs, 2):
        steps, reached = _replay_steps(equations, other.steps, rules, f"proof {k}", names)
        if _goal(reached, _goal_of(other.goal, reached)) != list(premises):
            raise RewriteError(f"proof {k} does not end at the answers")
        alternatives.append(tuple(steps))
    return alternatives


def _problem(record: TheoremRecord, rules: RuleSet, converse: ProofRow) -> Problem:
    """The problem a record's equations and steps make, every recorded equation checked."""
    sig = rules.theory.signature
    answers = _answers(record)
    names = set(record.variables)
    premises = tuple((var(n), num(v)) for n, v in answers)
    system = record.details.get("system")
    if not isinstance(system, list):
        raise RecordError("system", "missing or not a list of equations")
    try:
        equations = tuple(_pair(e, sig, "each system equation") for e in system)
        solution, derived = _replay_steps(equations, record.steps, rules, "solution", names)
        construction, built = _replay_steps(premises, converse.steps, rules, "converse", names)
        alternatives = _alternatives(record, equations, premises, rules)
    except ExprSyntaxError as err:
        raise RewriteError(f"unparsable expression: {err}") from err
    solution_goal = _goal_of(record.goal, derived)
    construction_goal = _goal_of(converse.goal, built)
    if _goal(derived, solution_goal) != list(premises):
        raise RewriteError("the solution does not end at the recorded answers")
    if _goal(built, construction_goal) != list(equations):
        raise RewriteError("the converse does not end at the equations")
    kind = record.details.get("kind", "linear")
    return Problem(
        str(kind),
        answers,
        equations,
        tuple(construction),
        tuple(solution),
        tuple(alternatives),
        construction_goal,
        solution_goal,
    )


def replay_equation(record: TheoremRecord, rules: RuleSet) -> EquationCandidate:
    """Rebuild an equation record's theorems from its equations and steps (as `replay` does
    for rewrite theorems), and check its plain `equations`/`solution` and SymPy's answer."""
    sig = rules.theory.signature
    name = plain_name(record)
    converse = record.converse
    if converse is None:
        raise RecordError("converse", "missing")
    problem = _problem(record, rules, converse)
    candidate = equation_candidate(name, record.index or 0, problem, rules.theory, {})
    _compare(candidate.lean, name, record.lean_statement, record.lean_proof, "solving")
    statement, proof = converse.lean_statement, converse.lean_proof
    _compare(candidate.proofs[1].lean, converse.lean_name, statement, proof, "converse")
    for made, other in zip(candidate.proofs[2:], record.proofs, strict=True):
        recorded = (other.lean_name, other.lean_statement, other.lean_proof)
        _compare(made.lean, *recorded, made.lean.name)
    plain = [[to_plain(a, sig), to_plain(b, sig)] for a, b in problem.equations]
    if record.details.get("equations") != plain:
        raise RewriteError("the recorded plain equations are not the theorem's")
    disagreement = sympy_agrees(problem, sig)
    if disagreement is not None:
        raise RewriteError(disagreement)
    if any(e[1].kind is not Kind.NUM for e in problem.premises):
        raise RewriteError("answers must be numerals")
    return candidate
