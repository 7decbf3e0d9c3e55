"""Equations as a textbook prints them: what the disguise may use and reach, and how its steps
read.

The disguise of an equation draws only from the rearrangements a textbook makes (reordering,
regrouping, distributing: the rules tagged `DISGUISE_TAGS`) and steps only to left sides with
none of the `TEXTBOOK` artifacts (`terms.artifacts`); a division's divisor divides the right
side, so it stays a whole number.
"""

from __future__ import annotations

import random

from rpsdg_formal.rewriting.steps import Keep, RuleIndex, Step
from rpsdg_formal.terms.artifacts import TEXTBOOK, is_textbook
from rpsdg_formal.terms.expr import Expr, Kind, num, subterm
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import RuleSet

DISGUISE_TAGS = ("add", "sub", "mul", "distrib")
"""The rules the disguise may use, by tag: the rearrangements a textbook makes (reordering,
regrouping, distributing); inverses, sign games and numeral rewriting are left out."""


def disguise_index(rules: RuleSet) -> RuleIndex:
    """The rules the disguise walk draws from: those tagged with one of `DISGUISE_TAGS` that
    invent no variable."""
    return RuleIndex.build(
        r for r in rules.rules if not r.introduces and set(r.tags) & set(DISGUISE_TAGS)
    )


def divisor(value: Expr, max_numeral: int, rng: random.Random) -> Expr | None:
    """A divisor of the numeral `value` between 2 and `max_numeral` (None if it has
    none), so the right side stays a whole number."""
    if value.kind is not Kind.NUM:
        return None
    found = [d for d in range(2, max_numeral + 1) if value.value % d == 0]
    return num(rng.choice(found)) if found else None


def rewrite_note(step: Step, sig: Signature) -> str:
    """What a rewrite of the left side does, as a teacher says it: the rule and the part
    rewritten (`rewrite the left side (add_comm): 2 + x = x + 2`)."""
    before, after = subterm(step.before, step.path), subterm(step.after, step.path)
    return (
        f"rewrite the left side ({step.rule.name}): "
        f"{to_human(before, sig)} = {to_human(after, sig)}"
    )


def textbook(sig: Signature) -> Keep:
    """The left sides the disguise may reach: forms a textbook prints (`terms.artifacts`)."""

    def keep(expr: Expr) -> bool:
        return is_textbook(expr, sig, TEXTBOOK)

    return keep
