"""The compiled certificate (`kernel/_certificate.c`, an optional extension): the statement,
proof text and step terms `emit.certificate` makes, written in C around the same printers.

`emit`'s Python code is the reference: the engine prints through the same `SignatureTexts`
methods and memos, hands each rare step (a rule with side conditions, a numeral-only rule) to
`emit.step_proof` and the theorem's hypotheses to `emit.hypotheses`, and for anything it does
not read (a type other than `Expr`, `Step`, `Rule`, a path that is not a tuple of ints) gives
None, so that the reference answers. `use_compiled(False)` switches it off (tests,
comparisons).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.expr import Expr, Kind, instantiates
from rpsdg_formal.terms.extension import Switch, optional_extension
from rpsdg_formal.terms.texts import texts_of
from rpsdg_formal.theory.rules import Rule
from rpsdg_formal.theory.section import Theory

Parts = tuple[str, str, tuple[str, ...]]
"""A certificate's statement, proof text and the proof term of each step."""

_MODULE: Any = optional_extension("kernel._certificate")
if _MODULE is not None:
    _MODULE.install(Expr, Step, Rule, Kind.VAR)
_COMPILED = Switch()  # the switch `use_compiled` turns
_TOOLS: list[tuple[Any, ...] | None] = [None]
"""What `compiled_parts` was last given (the printers, theory, hole and the two functions),
with the engine's tools made of them: a run makes every certificate of one theory."""


def use_compiled(on: bool) -> bool:
    """Make certificates in C where the extension is built (`on`, the default) or in Python
    only; returns the previous setting."""
    return _COMPILED.set(on)


def compiled_parts(
    binders: Sequence[str],
    start: Expr,
    steps: Sequence[Step],
    theory: Theory,
    typed: bool,
    hole: str,
    hypotheses: Callable[[Sequence[Step], Theory], tuple[tuple[Expr, Expr], ...]],
    step_proof: Callable[[Step, Theory, Sequence[tuple[Expr, Expr]]], str],
) -> Parts | None:
    """The certificate's parts as the reference makes them (same text, same ValueError for a
    step that does not fit), or None where the engine is not built, switched off or does not
    read these steps. `hypotheses` and `step_proof` are `emit`'s, for the rare steps."""
    if _MODULE is None or not _COMPILED.on:
        return None
    texts = texts_of(theory.signature)
    kept = _TOOLS[0]
    if (
        kept is None
        or kept[0] is not texts
        or kept[1] is not theory
        or kept[2] is not hole
        or kept[3] is not hypotheses
        or kept[4] is not step_proof
    ):
        tools = (
            texts.kernel_argument,
            texts.argument_memo,
            texts.kernel_context,
            instantiates,
            theory.carrier,
            hole,
            theory,
            hypotheses,
            step_proof,
        )
        kept = _TOOLS[0] = (texts, theory, hole, hypotheses, step_proof, tools)
    tools = kept[5]
    try:
        parts: Parts = _MODULE.certify(start, steps, binders, typed, tools)
    except _MODULE.Unsupported:
        return None
    return parts


def compiled_binders(start: Expr, end: Expr) -> tuple[str, ...] | None:
    """`families.records.binders_of(start, end)` (the theorem's variables: those of `start`,
    then the new ones of `end`, by first occurrence), or None where the engine is not built,
    switched off or does not read these trees."""
    if _MODULE is None or not _COMPILED.on:
        return None
    try:
        names: tuple[str, ...] = _MODULE.binders(start, end)
    except _MODULE.Unsupported:
        return None
    return names
