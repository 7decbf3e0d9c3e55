"""The family registry: the four families by name, record dispatch through it, and a new
family added with one module's worth of code and one registration."""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import ConfigError, RecordError
from rpsdg_formal.families.base import Drawer, FamilyDefaults, Prepared, Replayed
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.records import make_candidate, replay, theorem_record
from rpsdg_formal.families.registry import FAMILIES, REGISTRY, Registry
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import random_walk
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.rules import RuleSet

PACKAGE = Path(__file__).resolve().parents[2] / "rpsdg_formal"


def test_the_registry_lists_exactly_the_four_families() -> None:
    assert REGISTRY.names() == ("rewrite", "calculus", "equation", "equation-system")
    kinds = [type(f) for f in FAMILIES]
    assert kinds == [RewriteFamily, CalculusFamily, EquationFamily, SystemFamily]


@pytest.mark.parametrize(
    ("record_family", "kind"),
    [
        (None, RewriteFamily),
        ("antiderivative", CalculusFamily),
        ("by-parts", CalculusFamily),
        ("equation", EquationFamily),
        ("equation-system", SystemFamily),
    ],
)
def test_records_reach_their_family_through_the_registry(
    record_family: str | None, kind: type
) -> None:
    assert isinstance(REGISTRY.reading(record_family or "rewrite"), kind)


def test_an_unknown_family_is_refused_naming_the_field() -> None:
    with pytest.raises(RecordError, match="field 'family': 'integral' is none of"):
        REGISTRY.reading("integral")


def test_two_families_with_one_name_are_refused() -> None:
    with pytest.raises(ConfigError, match="two families are named 'rewrite'"):
        Registry((RewriteFamily(), RewriteFamily()))


def test_no_module_dispatches_on_the_family_string() -> None:
    """The family of a record is found by the registry, never by a string prefix."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "startswith"
                and any(isinstance(a, ast.Constant) and a.value == "equation" for a in node.args)
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []


@dataclass(frozen=True)
class _Commuted(FamilyDefaults):
    """A fifth family, written as a new module would be: `x + y = y + x`-like theorems of one
    rewrite step from a random walk's start."""

    name: ClassVar[str] = "one-step"

    def drawer(self, rules: RuleSet) -> Drawer:
        index, theory = RuleIndex.build(rules.rules), rules.theory
        start = parse_expr("x + y * z", theory.signature)

        def draw(id_: str, number: int, seed: int) -> Prepared:
            steps = random_walk(start, index, 1, 30, random.Random(seed * 1000 + number))
            candidate = make_candidate(id_, number, start, [steps], theory)
            record = theorem_record(candidate, theory, (), "", "", seed)
            return Prepared(number, b"%d" % number, 0, (candidate.lean,), record)

        return draw

    def replay(self, record: TheoremRecord, rules: RuleSet) -> Replayed:
        return replay(record, rules)

    def derive(self, replayed: Replayed, record: TheoremRecord, rules: RuleSet) -> TheoremRecord:
        return record


def test_a_new_family_is_one_object_and_one_registration(field_rules: RuleSet) -> None:
    registry = Registry((*FAMILIES, _Commuted()))
    assert registry.names()[-1] == "one-step"
    item = Preparer(field_rules, _Commuted(), seed=3)(0)
    assert item.record is not None and item.record.statement.startswith("x + y * z = ")
    record = TheoremRecord.from_json({**item.record.to_json(), "family": "one-step"})
    family = registry.for_record(record)
    assert isinstance(family, _Commuted)
    assert family.replay(record, field_rules).lean.proof == record.lean_proof
    with pytest.raises(RecordError, match="'one-step' is none of"):
        REGISTRY.for_record(record)  # the shipped registry does not know it
