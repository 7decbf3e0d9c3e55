"""What a theorem is made of, as data: the input of the direct kernel route.

The Lean text emitter (`emit`) and the kernel-term builder (`kterms`) build the same proof from
the same records; each `LeanTheorem` made by `emit.theorem` or `implication.implication_theorem`
carries its spec (`origin`), so a checker can build kernel terms for it without parsing text.
A spec is frozen data that pickles to worker processes (the expressions are interned trees).
"""

from __future__ import annotations

import pickle
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
    """`∀ binders, premises → conclusion` reasoned forward (`implication.implication_theorem`);
    the conclusion is the last equation, or `And` of the two numbered in `conclusion`."""

    name: str
    binders: tuple[str, ...]
    premises: tuple[Sides, ...]
    steps: tuple[EquationStep, ...]
    conclusion: tuple[int, ...] = ()


@dataclass(frozen=True)
class SideRewrite:
    """One rewrite of one side of a proof environment's goal, with the proof the action gave
    for each side condition: `hK` (the goal's hypothesis K) or "" (a non-zero numeral)."""

    step: Step
    hyps: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObligationSpec:
    """A proof environment step's obligation (`tactics.actions`): `∀ binders, Ne … → new →
    goal` (`goal` alone when `closed`), proven by rewriting each side of `goal` as `sides`
    list and, unless closed, the hypothesis `new` in between."""

    name: str
    binders: tuple[str, ...]
    assumed: tuple[tuple[Expr, Expr], ...]
    goal: Sides
    new: Sides
    closed: bool
    sides: tuple[tuple[SideRewrite, ...], tuple[SideRewrite, ...]]


@dataclass(frozen=True)
class Offer:
    """A proof offered for a one-step claim (`exports.negatives`): the instance of `step`'s
    rule (its substitution and direction; `lemma` names another constant instead), `symms`
    times under `Eq.symm`, lifted by congruence to `step.path`. `hyps` gives each side
    condition's proof (`hK`, or "" for a numeral's); None: the hypothesis that states it."""

    step: Step
    hyps: tuple[str, ...] | None = None
    symms: int = 0
    lemma: str = ""


@dataclass(frozen=True)
class OfferedSpec:
    """`∀ binders, Ne assumed… → Eq before claimed`, proven by `offer` (maybe wrongly)."""

    name: str
    binders: tuple[str, ...]
    assumed: tuple[tuple[Expr, Expr], ...]
    before: Expr
    claimed: Expr
    offer: Offer


ProofSpec = ChainSpec | ImplicationSpec | ObligationSpec | OfferedSpec


@dataclass(frozen=True)
class PackedSpec:
    """A spec pickled by the process that made it, for a process that only forwards it to a
    kernel worker (`generate`'s parent): it never rebuilds the spec's trees, the worker does.
    Only this package's own processes make and read these bytes."""

    name: str
    data: bytes

    @classmethod
    def pack(cls, spec: ProofSpec) -> PackedSpec:
        return cls(spec.name, pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))

    def unpack(self) -> ProofSpec:
        spec: ProofSpec = pickle.loads(self.data)
        return spec


AnySpec = ProofSpec | PackedSpec
"""A spec as a theorem may carry it: built, or packed for forwarding."""


def unpacked(spec: AnySpec) -> ProofSpec:
    """The spec itself (unpickled if it was packed)."""
    return spec.unpack() if isinstance(spec, PackedSpec) else spec
