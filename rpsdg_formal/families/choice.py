"""The family a run's settings choose, its module imported only when it is chosen.

`generate`'s preparing workers fork from the process that chose, so whatever it imports is
start-up cost for every worker: a default rewrite run should not import the calculus family
(its differentiation engine) or the equation families (their builders and records).
"""

from __future__ import annotations

from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig


def chosen_family(
    walk: WalkConfig,
    select: SelectConfig,
    calculus: CalculusConfig | None,
    equation: EquationConfig | None,
) -> Family:
    """Calculus or equations if their settings are given, else rewrite walks."""
    if calculus is not None:
        from rpsdg_formal.families.calculus_family import CalculusFamily

        return CalculusFamily(calculus)
    if equation is not None:
        from rpsdg_formal.families.equation_family import EquationFamily
        from rpsdg_formal.families.system_family import SystemFamily

        system = equation.family == "equation-system"
        return SystemFamily(equation) if system else EquationFamily(equation)
    return RewriteFamily(walk, select)
