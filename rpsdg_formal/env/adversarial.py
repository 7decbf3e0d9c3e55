"""The optional adversarial filter of `generate --adversarial N`: keep a theorem only if the
baseline prover's search does not prove it within N expansions.

This filters on the prover's own outcome, so it is never on by default and the README says
what it does to the figures: with N at least the evaluation budget, the baseline prover proves
none of the kept theorems by construction (the kernel replay only confirms what the search
found). Only the search runs here (pure Python, no Lean).
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.env.search import DEFAULT_SEARCH, search
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.rewriting.selection import Selected
from rpsdg_formal.tactics.actions import Context
from rpsdg_formal.terms.expr import variables
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class Adversarial:
    """Keeps the theorems the baseline prover's search leaves unproved within `budget`."""

    rules: RuleSet
    budget: int

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise ConfigError(f"--adversarial must be at least 1 expansion, got {self.budget}")

    def __repr__(self) -> str:  # part of a run's config hash: the rules are hashed apart
        return f"Adversarial(budget={self.budget})"

    def __call__(self, selected: Selected) -> bool:
        end = selected.proofs[0][-1].after
        context = Context(tuple(dict.fromkeys(variables(selected.start) + variables(end))))
        found = search((selected.start, end), context, self.rules, self.budget, DEFAULT_SEARCH)
        return not found.proved
