"""What a theorem is made of, as data: the input of the direct kernel route.

The Lean text emitter (`emit`) and the kernel-term builder (`kterms`) build the same proof from
the same records; each `LeanTheorem` made by `emit.theorem` or `emit.implication_theorem`
carries its spec (`origin`), so a checker can build kernel terms for it without parsing text.
A spec is frozen data that pickles to worker processes (the expressions are interned trees).
"""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.rewriting.steps import EquationStep, Sides, Step
from rpsdg_formal.terms.expr import Expr


@dataclass(frozen=True)
class ChainSpec:
    """`∀ binders, Ne … → start = end` proven by a chain of rewrite steps (`emit.theorem`)."""

    name: str
    binders: tuple[str, ...]
    start: Expr
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class ImplicationSpec:
    """`∀ binders, premises → conclusion` reasoned forward (`emit.implication_theorem`); the
    conclusion is the last equation, or `And` of the two numbered in `conclusion`."""

    name: str
    binders: tuple[str, ...]
    premises: tuple[Sides, ...]
    steps: tuple[EquationStep, ...]
    conclusion: tuple[int, ...] = ()


ProofSpec = ChainSpec | ImplicationSpec
