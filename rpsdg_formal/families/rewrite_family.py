"""The rewrite family: a random walk of rewrites, read back as the theorem `start = end`.

Its proof is the shortest path the walk's graph holds between the two ends, with a certified
lower bound on any proof's length (`rewriting.selection`); several shortest proofs may be kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import ClassVar

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.families.base import (
    Drawer,
    FamilyDefaults,
    Prepared,
    Replayed,
    expect_rewrite,
    rebuilt,
)
from rpsdg_formal.families.records import kept_schema, make_candidate, replay, theorem_record
from rpsdg_formal.rewriting.selection import SelectConfig, select_theorem
from rpsdg_formal.rewriting.steps import Keep, RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.artifacts import NATURAL, is_textbook
from rpsdg_formal.terms.expr import Expr, statement_key
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import RuleSet


def natural(sig: Signature) -> Keep:
    """The expressions a natural walk may reach: no identity element, no numeral arithmetic,
    no degenerate piece (`terms.artifacts`)."""

    def keep(expr: Expr) -> bool:
        return is_textbook(expr, sig, NATURAL)

    return keep


@dataclass(frozen=True)
class RewriteFamily(FamilyDefaults):
    """Rewrite theorems drawn with `walk` and chosen with `select`."""

    name: ClassVar[str] = "rewrite"
    walk: WalkConfig = field(default_factory=WalkConfig)
    select: SelectConfig = field(default_factory=SelectConfig)

    def drawer(self, rules: RuleSet) -> Drawer:
        index, theory = RuleIndex.build(rules.rules), rules.theory
        keep = natural(theory.signature) if self.walk.natural else None

        def draw(id_: str, number: int, seed: int) -> Prepared:
            walk = draw_walk(self.walk, index, theorem_rng(seed, number), keep)
            selected = select_theorem(walk, index, self.select)
            if selected is None:
                return Prepared(number)
            key = statement_key(selected.start, selected.proofs[0][-1].after)
            candidate = make_candidate(
                id_, number, selected.start, selected.proofs, theory, selected.bound
            )
            record = theorem_record(candidate, theory, (), "", "", seed, candidate.proofs[1:])
            theorems = tuple(p.lean for p in candidate.proofs)
            return Prepared(number, key, selected.bound.value, theorems, record)

        return draw

    def replay(self, record: TheoremRecord, rules: RuleSet) -> Replayed:
        return replay(record, rules)

    def derive(self, replayed: Replayed, record: TheoremRecord, rules: RuleSet) -> TheoremRecord:
        candidate = expect_rewrite(replayed)
        build = partial(
            theorem_record,
            candidate,
            rules.theory,
            accepted_alternatives=candidate.proofs[1:],
            schema=kept_schema(record),
        )
        return replace(  # the bound search is not redone (it is the costly part of a draw)
            rebuilt(record, build),
            min_length_lower_bound=record.min_length_lower_bound,
            bound_search=record.bound_search,
        )
