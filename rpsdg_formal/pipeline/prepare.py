"""From a theorem index to a prepared item: everything the kernel and the output need, as data.

Theorem i depends only on the run's seed and i (`walk.theorem_rng`), so items can be prepared in
any process, on any machine, in any order, and put back in index order. Nothing here
deduplicates: `admission` does that in index order, so the output never depends on how the
work was spread. A prepared item carries its Lean theorems and its record without the kernel's
verdict, which `finish` adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.calculus import (
    CalculusConfig,
    check_signature,
    crosscheck,
    draw_problem,
    problem_fields,
)
from rpsdg_formal.families.calculus import unusable as calculus_unusable
from rpsdg_formal.families.derive import Engine
from rpsdg_formal.families.equation import EquationConfig, sympy_agrees
from rpsdg_formal.families.equation import draw_problem as draw_equation
from rpsdg_formal.families.equation import problem_fields as equation_fields
from rpsdg_formal.families.equation_records import equation_candidate, equation_record
from rpsdg_formal.families.records import make_candidate, theorem_record
from rpsdg_formal.families.system import draw_system
from rpsdg_formal.kernel.check import Accepted, Verdict
from rpsdg_formal.kernel.emit import LeanTheorem, SideConditionError
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import app, statement_key
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class Family:
    """What kind of theorem a run makes: rewrite walks (the default), integration problems
    (`calculus`) or equations (`equation`)."""

    walk: WalkConfig = field(default_factory=WalkConfig)
    select: SelectConfig = field(default_factory=SelectConfig)
    calculus: CalculusConfig | None = None
    equation: EquationConfig | None = None

    @property
    def name(self) -> str:
        if self.calculus is not None:
            return self.calculus.family
        return self.equation.family if self.equation is not None else "rewrite"


@dataclass(frozen=True, eq=False)
class Prepared:
    """The work of one index. `key` is None when the index drew nothing usable. Otherwise
    either `error` is a row for rejected.jsonl (SymPy disagrees, a side condition nothing
    proves), or `theorems` (primary first) and `record` (without the verdict) make a theorem."""

    index: int
    key: bytes | None = None  # expr.statement_key: equal for the same statement
    bucket: int = 0  # certified lower bound on proof length (for --difficulty quotas)
    theorems: tuple[LeanTheorem, ...] = ()
    record: Mapping[str, Any] | None = None
    all_needed: bool = False  # the record needs every theorem accepted (else the first)
    error: Mapping[str, Any] | None = None


class Preparer:
    """Prepares items of one run: `preparer(i)` is the work of index i (a pure function of the
    rule set, the family, the seed and i)."""

    def __init__(self, rules: RuleSet, family: Family, seed: int) -> None:
        self.rules, self.family, self.seed = rules, family, seed
        self._engine: Engine | None = None
        self._index: RuleIndex | None = None
        if family.calculus is not None:
            self._engine = Engine.from_rules(rules)
            check_signature(self._engine, family.calculus)
        elif family.equation is not None:
            self._index = RuleIndex.build(r for r in rules.rules if not r.introduces)
        else:
            self._index = RuleIndex.build(rules.rules)

    def name(self, index: int) -> str:
        return f"{self.rules.theory.name}_s{self.seed}_n{index}"

    def __call__(self, index: int) -> Prepared:
        if self.family.calculus is not None:
            return self._calculus(index)
        if self.family.equation is not None:
            return self._equation(index)
        return self._rewrite(index)

    def _rewrite(self, index: int) -> Prepared:
        assert self._index is not None
        family, theory = self.family, self.rules.theory
        walk = draw_walk(family.walk, self._index, theorem_rng(self.seed, index))
        selected = select_theorem(walk, self._index, family.select)
        if selected is None:
            return Prepared(index)
        key = statement_key(selected.start, selected.proofs[0][-1].after)
        candidate = make_candidate(
            self.name(index), index, selected.start, selected.proofs, theory, selected.bound
        )
        record = theorem_record(candidate, theory, (), "", "", self.seed, candidate.proofs[1:])
        theorems = tuple(p.lean for p in candidate.proofs)
        return Prepared(index, key, selected.bound.value, theorems, record)

    def _calculus(self, index: int) -> Prepared:
        assert self._engine is not None and self.family.calculus is not None
        config, engine, theory = self.family.calculus, self._engine, self.rules.theory
        problem = draw_problem(engine, config, theorem_rng(self.seed, index))
        if problem is None or calculus_unusable(problem, engine) is not None:
            return Prepared(index)
        key = statement_key(problem.start, problem.integrand)
        name = self.name(index)
        wrong = crosscheck(problem.antiderivative, problem.integrand, engine)
        if wrong is not None:
            return Prepared(index, key, error=_error(name, "sympy-disagrees", str(wrong)))
        fields = problem_fields(problem, engine, config.family)
        candidate = make_candidate(
            name, index, problem.start, [problem.steps], theory, extra=fields
        )
        record = theorem_record(candidate, theory, (), "", "", self.seed)
        return Prepared(index, key, 0, (candidate.lean,), record)

    def _equation(self, index: int) -> Prepared:
        assert self._index is not None and self.family.equation is not None
        config, rules = self.family.equation, self.rules
        rng = theorem_rng(self.seed, index)
        problem = (
            draw_system(rules, rng, max_answer=config.max_answer)
            if config.family == "equation-system"
            else draw_equation(rules, self._index, config, rng)
        )
        if problem is None:
            return Prepared(index)
        sides = [app("system", lhs, rhs) for lhs, rhs in problem.equations]
        key = statement_key(*problem.equation) if len(sides) == 1 else statement_key(*sides)
        name, sig = self.name(index), rules.theory.signature
        wrong = sympy_agrees(problem, sig)
        if wrong is not None:
            return Prepared(index, key, error=_error(name, "sympy-disagrees", wrong))
        try:
            fields = equation_fields(problem, sig)
            candidate = equation_candidate(name, index, problem, rules.theory, fields)
        except RewriteError as err:
            reason = "side-condition" if isinstance(err, SideConditionError) else "sympy-disagrees"
            return Prepared(index, key, error=_error(name, reason, str(err)))
        record = equation_record(candidate, rules.theory, (), "", "", self.seed)
        theorems = tuple(p.lean for p in candidate.proofs)
        return Prepared(index, key, 0, theorems, record, all_needed=True)


def _error(name: str, reason: str, message: str) -> dict[str, Any]:
    return {"id": name, "reason": reason, "messages": [message]}


def finish(
    item: Prepared,
    verdicts: Mapping[str, Verdict],
    lean_version: str,
    lean_files: Mapping[str, str],
) -> dict[str, Any] | None:
    """The record of `item` given the kernel's verdicts (by Lean name), or None if it is not
    verified: its primary theorem (or, for `all_needed`, any theorem) was not accepted.
    Alternative proofs the kernel did not accept are left out."""
    assert item.record is not None and item.theorems
    judged = [verdicts[t.name] for t in item.theorems]
    needed = judged if item.all_needed else judged[:1]
    if not all(isinstance(v, Accepted) for v in needed):
        return None
    primary = judged[0]
    assert isinstance(primary, Accepted)
    record = dict(item.record)
    if item.all_needed:
        axioms: Sequence[str] = sorted(
            {a for v in judged if isinstance(v, Accepted) for a in v.axioms}
        )
    else:
        axioms = primary.axioms
        ok = {t.name for t, v in zip(item.theorems, judged, strict=True) if isinstance(v, Accepted)}
        record["proofs"] = [p for p in record["proofs"] if p["lean_name"] in ok]
    record["verified"] = {
        "kernel": "lean4",
        "lean_version": lean_version,
        "axioms": list(axioms),
        "lean_file": lean_files[item.theorems[0].name],
    }
    return record
