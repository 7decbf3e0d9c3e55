"""The trusted logical base, pinned: what Lean must print for each declaration of
`RpsdgFormal/Logic.lean` that is not a theorem (`#print` with the audit's options).

A theory may supply its own copy of the logic module (a `lean_dir` is searched in order), so
the audit compares Lean's own printing of these declarations with the texts below, made from
the shipped Logic.lean: an `Eq` that is not the inductive equality, or an `Ne` that means
something else, fails the audit. Theorems need no pin: the kernel checked their proofs.
"""

from __future__ import annotations

EQ = "RpsdgFormal.Eq"
NE = "RpsdgFormal.Ne"
AND = "RpsdgFormal.And"

PINNED: dict[str, str] = {
    EQ: (
        "inductive RpsdgFormal.Eq.{u} : {α : Sort u} → α → α → Prop\nnumber of parameters: 2\n"
        "constructors:\nRpsdgFormal.Eq.refl : ∀ {α : Sort u} (a : α), @RpsdgFormal.Eq α a a"
    ),
    "RpsdgFormal.False": (
        "inductive RpsdgFormal.False : Prop\nnumber of parameters: 0\nconstructors:"
    ),
    AND: "def RpsdgFormal.And : Prop → Prop → Prop :=\nfun a b => ∀ (c : Prop), (a → b → c) → c",
    "RpsdgFormal.Not": "def RpsdgFormal.Not : Prop → Prop :=\nfun p => p → RpsdgFormal.False",
    NE: (
        "def RpsdgFormal.Ne.{u} : {α : Sort u} → α → α → Prop :=\n"
        "fun {α} a b => RpsdgFormal.Not (@RpsdgFormal.Eq α a b)"
    ),
    "RpsdgFormal.False.elim": (
        "def RpsdgFormal.False.elim.{u} : {C : Sort u} → RpsdgFormal.False → C :=\n"
        "fun {C} h => RpsdgFormal.False.rec (fun x => C) h"
    ),
    "RpsdgFormal.absurd": (
        "def RpsdgFormal.absurd.{u} : {a : Prop} → {b : Sort u} → a → RpsdgFormal.Not a → b :=\n"
        "fun {a} {b} ha hna => @RpsdgFormal.False.elim b (hna ha)"
    ),
}
"""Full name -> the exact text Lean prints for it."""

HEADS = {"Eq": EQ, "Ne": NE, "And": AND}
"""The logic names generated files write, and the declaration each must resolve to."""
