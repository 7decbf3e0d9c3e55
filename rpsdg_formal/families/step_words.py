"""What an equation step may say it does: every wording the equation builders give a step.

A record's `do` text cannot be re-derived exactly from its step (the same computation on the
right side is "simplify the right side" in one proof and "compute on the right" in another),
but it can be refused unless it is one of the wordings this step could have been given: the
operation, numbers and expressions in the words are then those of the step.
"""

from __future__ import annotations

from collections.abc import Sequence

from rpsdg_formal.families.equation import Operation
from rpsdg_formal.kernel.emit import HOLE, HOLE2
from rpsdg_formal.rewriting.steps import EquationStep, Sides
from rpsdg_formal.terms.expr import Expr, Kind, var
from rpsdg_formal.terms.printers import to_human
from rpsdg_formal.terms.signature import Signature

_HOLE, _HOLE2 = var(HOLE), var(HOLE2)


def _operations(context: Expr) -> list[Operation]:
    """The operations on both sides whose function is `context`."""
    if context.kind is not Kind.APP or len(context.args) != 2:
        return []
    left, right = context.args
    found = []
    if right is _HOLE and context.head == "mul":
        found.append(Operation("mul", left))
    if left is _HOLE and context.head in ("add", "sub", "div", "mul"):
        found.append(Operation("mul_right" if context.head == "mul" else context.head, right))
    return [op for op in found if op.context() is context]


def _combined(link: EquationStep, equations: Sequence[Sides], sig: Signature) -> set[str]:
    context = link.context
    assert context is not None
    words = set()
    if context.kind is Kind.APP and context.head == "sub" and context.args == (_HOLE, _HOLE2):
        words.add("subtract the equations side by side")
    first, second = (equations[i] for i in link.sources[:2])
    if (
        context.kind is Kind.APP
        and context.head == "add"
        and all(a.kind is Kind.APP and a.head == "mul" for a in context.args)
        and (context.args[0].args[1], context.args[1].args[1]) == (_HOLE, _HOLE2)
    ):
        c1, c2 = (to_human(a.args[0], sig) for a in context.args)
        x, a, y, b = (to_human(e, sig) for e in (*first, *second))
        words.add(f"take {c1} times {x} = {a} plus {c2} times {y} = {b}")
    return words


def _applied(link: EquationStep, equations: Sequence[Sides], sig: Signature) -> set[str]:
    context = link.context
    assert context is not None
    if link.other is not None:
        return _combined(link, equations, sig)
    words = {op.describe(sig) for op in _operations(context)}
    if link.sources and context.kind is Kind.APP and context.head == "mul":
        if context.args[1] is _HOLE:
            m = to_human(context.args[0], sig)
            words.add(f"multiply equation {link.sources[0] + 1} by {m}")
    return words


def _rewritten(link: EquationStep, sig: Signature) -> set[str]:
    step = link.step
    assert step is not None
    before, after, rule = to_human(step.before, sig), to_human(step.after, sig), step.rule.name
    where = "left" if link.side == 0 else "right"
    words = {f"cancel on the {where}: {before} = {after}"}
    if link.side == 1:
        return words | {
            f"simplify the right side: {before} = {after}",
            f"compute on the right: {before} = {after}",
        }
    words |= {
        f"rewrite the left side ({rule})",
        f"rewrite the left side back ({rule})",
        f"{rule}: {before} = {after}",
    }
    if step.path and step.path[0] == 0 and step.before.kind is Kind.APP:
        inner, done = step.before.args[0], step.after.args[0]
        words.add(f"compute: {to_human(inner, sig)} = {to_human(done, sig)}")
    return words


def wordings(link: EquationStep, equations: Sequence[Sides], sig: Signature) -> set[str]:
    """Every `do` text an equation builder may give `link` (`equations`: those before it,
    premises first, which its `sources` number)."""
    if link.context is not None:
        return _applied(link, equations, sig)
    return _rewritten(link, sig) if link.step is not None else set()
