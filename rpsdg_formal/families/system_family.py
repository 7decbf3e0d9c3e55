"""The equation-system family: two linear equations in x and y (`families.system`).

Records, replay and re-derivation are the equation family's; only the draw differs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import ClassVar

from rpsdg_formal.families.equation import Problem
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.system import draw_system
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class SystemFamily(EquationFamily):
    """Systems of two equations; `config.max_answer` bounds the answers."""

    name: ClassVar[str] = "equation-system"
    config: EquationConfig = field(default_factory=lambda: EquationConfig(family="equation-system"))

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("system",)

    def draw_problem(self, rules: RuleSet, index: RuleIndex, rng: random.Random) -> Problem | None:
        return draw_system(rules, rng, max_answer=self.config.max_answer)
