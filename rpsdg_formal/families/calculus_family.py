"""The calculus family: differentiate a random F step by step, publish "find ∫ f dx".

`antiderivative` and `by-parts` problems (`families.calculus`) share this family; a record's
`family` field says which, and its problem fields are re-derived from the replayed steps.
"""

from __future__ import annotations

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
    expect_rewrite,
    kept_wordings,
    rebuilt,
)
from rpsdg_formal.families.calculus import (
    Problem,
    check_signature,
    crosscheck,
    crosscheck_plain,
    draw_problem,
    problem_fields,
    problem_text,
    unusable,
)
from rpsdg_formal.families.calculus_config import FAMILIES, CalculusConfig
from rpsdg_formal.families.derive import Engine
from rpsdg_formal.families.records import (
    Candidate,
    kept_schema,
    make_candidate,
    replay,
    theorem_record,
)
from rpsdg_formal.rewriting.walk import theorem_rng
from rpsdg_formal.terms.expr import Kind, statement_key
from rpsdg_formal.terms.printers import to_plain
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class CalculusFamily(FamilyDefaults):
    """Integration problems shaped by `config` (`config.family`: antiderivative or by-parts)."""

    name: ClassVar[str] = "calculus"
    config: CalculusConfig = field(default_factory=CalculusConfig)

    @property
    def run_name(self) -> str:
        return self.config.family

    @property
    def record_names(self) -> tuple[str, ...]:
        return FAMILIES

    def drawer(self, rules: RuleSet) -> Drawer:
        engine, config, theory = Engine.from_rules(rules), self.config, rules.theory
        check_signature(engine, config)

        def draw(id_: str, number: int, seed: int) -> Prepared:
            problem = draw_problem(engine, config, theorem_rng(seed, number))
            if problem is None or unusable(problem, engine) is not None:
                return Prepared(number)
            key = statement_key(problem.start, problem.integrand)
            wrong = crosscheck(problem.antiderivative, problem.integrand, engine)
            if wrong is not None:
                return Prepared(number, key, error=error_row(id_, "sympy-disagrees", str(wrong)))
            fields = problem_fields(problem, engine, config.family)
            candidate = make_candidate(
                id_, number, problem.start, [problem.steps], theory, extra=fields
            )
            record = theorem_record(candidate, theory, (), "", "", seed)
            return Prepared(number, key, 0, (candidate.lean,), record)

        return draw

    def replay(self, record: TheoremRecord, rules: RuleSet) -> Replayed:
        """The steps replayed, and SymPy's agreement that d/dx F = f re-checked."""
        candidate = replay(record, rules)
        _problem(candidate, record)
        wrong = crosscheck_plain(
            to_plain(candidate.start.args[0], rules.theory.signature),
            to_plain(candidate.end, rules.theory.signature),
        )
        if wrong is not None:
            raise RewriteError(wrong)
        return candidate

    def derive(self, replayed: Replayed, record: TheoremRecord, rules: RuleSet) -> TheoremRecord:
        candidate = expect_rewrite(replayed)
        problem = _problem(candidate, record)
        fields = problem_fields(problem, Engine.from_rules(rules), str(record.family))
        made = replace(candidate, extra=fields)
        derived = rebuilt(
            record, partial(theorem_record, made, rules.theory, schema=kept_schema(record))
        )
        earlier = problem_text(problem, rules.theory.signature, earlier=True)
        return kept_wordings(derived, record, {"problem": earlier})


def _problem(candidate: Candidate, record: TheoremRecord) -> Problem:
    """The integration problem of a replayed record: it starts from D(F), and F = u * v when
    the record says by-parts."""
    start = candidate.start
    if start.kind is not Kind.APP or len(start.args) != 1:
        raise RecordError("start", "an integration record must start from D(F)")
    antiderivative = start.args[0]
    if record.family not in FAMILIES:
        raise RecordError("family", f"must be one of {', '.join(FAMILIES)}")
    parts = None
    if record.family == "by-parts":
        if antiderivative.kind is not Kind.APP or len(antiderivative.args) != 2:
            raise RecordError("start", "a by-parts record must start from D(u * v)")
        parts = (antiderivative.args[0], antiderivative.args[1])
    return Problem(antiderivative, candidate.steps, parts)
