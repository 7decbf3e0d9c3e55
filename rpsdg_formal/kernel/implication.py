"""Lean source for implications between equations: hypotheses `h0`, `h1`, … and one named
`have` per forward step (`congrArg` of a function, `congrArg₂` combining two equations, or
`Eq.trans` with a rule instance), as the equation family and the forward tactics state them.

Only validated data reaches the text, as in `emit` (whose statement and step printers these
use); the emitter never runs Lean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard, cast

from rpsdg_formal.kernel.emit import HOLE, HOLE2, LeanTheorem, equation_statement, step_proof
from rpsdg_formal.kernel.proofspec import ImplicationSpec
from rpsdg_formal.rewriting.steps import EquationStep, Sides
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.printers import to_kernel
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.section import Theory


def _is_sides(value: Sides | Sequence[Sides]) -> TypeGuard[Sides]:
    return len(value) == 2 and isinstance(value[0], Expr)


def _link_proof(link: EquationStep, names: Sequence[str], theory: Theory) -> str:
    """The proof of one forward step from the equations `names` (its sources): `congrArg` of a
    function, `congrArg₂` combining two equations, or `Eq.trans` with a rule instance."""
    if link.context is not None:
        context = to_kernel(link.context, theory.signature)
        if link.other is not None:
            return (
                f"congrArg₂ (fun ({HOLE} : {theory.carrier}) ({HOLE2} : {theory.carrier}) "
                f"=> {context}) {names[0]} {names[1]}"
            )
        return f"congrArg (fun ({HOLE} : {theory.carrier}) => {context}) {names[0]}"
    if link.step is not None:
        rewrite = step_proof(link.step, theory)
        if link.side == 0:
            return f"Eq.trans (Eq.symm ({rewrite})) {names[0]}"
        return f"Eq.trans {names[0]} ({rewrite})"
    raise ValueError("an equation step needs a context or a rewrite")


def implication_theorem(
    name: str,
    binders: Sequence[str],
    premises: Sides | Sequence[Sides],
    steps: Sequence[EquationStep],
    theory: Theory,
    conclusion: Sequence[int] = (),
) -> LeanTheorem:
    """The kernel certificate for `premises → conclusion`, reasoning forward from hypotheses
    `h0`, `h1`, … one `have hK : Eq lhsK rhsK` per step: `congrArg` applies a function to both
    sides (`congrArg₂` combines two equations), `Eq.trans` with a rule instance rewrites one
    side. The conclusion is the last equation, or `And` of the equations numbered in
    `conclusion`. Side conditions must be provable by the theory (a non-zero numeral);
    anything else raises SideConditionError."""
    if not steps:
        raise ValueError("an implication needs at least one step")
    if not is_lean_ident(name) or "." in name:
        raise ValueError(f"theorem name {name!r} is not a plain Lean identifier")
    given: list[Sides] = (
        [premises] if _is_sides(premises) else list(cast(Sequence[Sides], premises))
    )
    equations: list[Sides] = [*given]
    lines = [f"fun {' '.join([*binders, *(f'h{i}' for i in range(len(given)))])} =>"]
    for link in steps:
        number = len(equations)
        proof = _link_proof(link, [f"h{i}" for i in link.sources or (number - 1,)], theory)
        lines.append(f"have h{number} : {equation_statement(*link.after, theory)} := {proof}")
        equations.append(link.after)
    concluded = list(conclusion) or [len(equations) - 1]
    goal = " ".join(f"({equation_statement(*equations[i], theory)})" for i in concluded)
    if len(concluded) == 1:
        goal = equation_statement(*equations[concluded[0]], theory)
        lines.append(f"h{concluded[0]}")
    elif len(concluded) == 2:
        goal = f"And {goal}"
        lines.append(f"And.intro h{concluded[0]} h{concluded[1]}")
    else:
        raise ValueError("a conclusion is one equation or a pair")
    hypotheses_ = "".join(f"{equation_statement(*p, theory)} → " for p in given)
    statement = hypotheses_ + goal
    if binders:
        statement = f"∀ ({' '.join(binders)} : {theory.carrier}), {statement}"
    origin = ImplicationSpec(name, tuple(binders), tuple(given), tuple(steps), tuple(concluded))
    return LeanTheorem(name, statement, "\n  ".join(lines), origin)
