"""The equation family: from `x = c`, do the same to both sides, publish "solve for x".

Each record holds three kinds of kernel-checked theorem (the solution, the converse, other
solutions; `families.equation_records`), all of which must be accepted. `derive` rebuilds every
field of a record from its replayed steps, and the words of each step must be a wording the
builders give that step (`step_words`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from functools import partial
from typing import ClassVar

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import RecordError, RewriteError
from rpsdg_formal.families.base import (
    Drawer,
    FamilyDefaults,
    Prepared,
    Replayed,
    error_row,
    expect_equations,
    kept_wordings,
    rebuilt,
)
from rpsdg_formal.families.equation import (
    Labelled,
    Problem,
    draw_problem,
    problem_fields,
    sympy_agrees,
)
from rpsdg_formal.families.equation_config import KINDS, EquationConfig
from rpsdg_formal.families.equation_records import (
    earlier_texts,
    equation_candidate,
    equation_record,
    replay_equation,
)
from rpsdg_formal.families.equation_textbook import disguise_index
from rpsdg_formal.families.step_words import wordings
from rpsdg_formal.kernel.emit import SideConditionError
from rpsdg_formal.rewriting.steps import RuleIndex, Sides
from rpsdg_formal.rewriting.walk import theorem_rng
from rpsdg_formal.terms.expr import app, statement_key
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class EquationFamily(FamilyDefaults):
    """Equations in one unknown, shaped by `config`; every theorem of a record (solution,
    converse, other solutions) must be accepted."""

    name: ClassVar[str] = "equation"
    chain: ClassVar[bool] = False
    all_needed: ClassVar[bool] = True
    config: EquationConfig = field(default_factory=EquationConfig)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The `kind` values its records may hold."""
        return KINDS

    def draw_problem(self, rules: RuleSet, index: RuleIndex, rng: random.Random) -> Problem | None:
        return draw_problem(rules, index, self.config, rng)

    def drawer(self, rules: RuleSet) -> Drawer:
        index = disguise_index(rules)
        sig = rules.theory.signature

        def draw(id_: str, number: int, seed: int) -> Prepared:
            problem = self.draw_problem(rules, index, theorem_rng(seed, number))
            if problem is None:
                return Prepared(number)
            sides = [app("system", lhs, rhs) for lhs, rhs in problem.equations]
            key = statement_key(*problem.equation) if len(sides) == 1 else statement_key(*sides)
            wrong = sympy_agrees(problem, sig)
            if wrong is not None:
                return Prepared(number, key, error=error_row(id_, "sympy-disagrees", wrong))
            try:
                fields = problem_fields(problem, sig)
                candidate = equation_candidate(id_, number, problem, rules.theory, fields)
            except RewriteError as err:
                side = isinstance(err, SideConditionError)
                reason = "side-condition" if side else "sympy-disagrees"
                return Prepared(number, key, error=error_row(id_, reason, str(err)))
            record = equation_record(candidate, rules.theory, (), "", "", seed)
            theorems = tuple(p.lean for p in candidate.proofs)
            return Prepared(number, key, 0, theorems, record, all_needed=True)

        return draw

    def replay(self, record: TheoremRecord, rules: RuleSet) -> Replayed:
        if record.details.get("kind") not in self.kinds:
            raise RecordError("kind", f"must be one of {', '.join(self.kinds)}")
        return replay_equation(record, rules)

    def derive(self, replayed: Replayed, record: TheoremRecord, rules: RuleSet) -> TheoremRecord:
        candidate = expect_equations(replayed)
        problem, sig = candidate.problem, rules.theory.signature
        _check_words(problem, sig)
        fields = problem_fields(problem, sig)
        made = replace(candidate, extra=fields)
        derived = rebuilt(record, partial(equation_record, made, rules.theory))
        return kept_wordings(derived, record, earlier_texts(problem, rules.theory))


def _check_proof_words(
    premises: tuple[Sides, ...], steps: tuple[Labelled, ...], sig: Signature, field: str
) -> None:
    equations = list(premises)
    for number, item in enumerate(steps, 1):
        if item.note not in wordings(item.step, equations, sig):
            raise RecordError(f"{field}.{number}.do", f"{item.note!r} is not what this step does")
        equations.append(item.step.after)


def _check_words(problem: Problem, sig: Signature) -> None:
    """Refuse a step whose words are not a wording of what it does (RecordError)."""
    _check_proof_words(problem.equations, problem.solution, sig, "steps")
    _check_proof_words(problem.premises, problem.construction, sig, "converse.steps")
    for k, steps in enumerate(problem.alternatives, 2):
        _check_proof_words(problem.equations, steps, sig, f"proofs.{k}.steps")
