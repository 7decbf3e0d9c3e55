"""The rendering audit: every printer says what the tree means.

A record's `statement`, `latex`, `lean` rendering and `plain` SymPy text are shown to people and
provers, while only the kernel certificate is checked by Lean; a display symbol that prints
`sub` as `+` would make a verified record state a false theorem. So each operator's display
fields (human `symbol`, `fixity`, `precedence`, `lean_symbol`, `latex`) must be the standard
rendering of its registry entry (`terms.meaning`), and on random trees of the theory every
printer must agree with the standard printing, the human text must parse back to the tree, and
the plain SymPy text must read back (whitelist reader) to the plain SymPy function.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import sympy

from rpsdg_formal.errors import ExprSyntaxError
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.meaning import REGISTRY, Meaning
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import to_human, to_latex, to_lean, to_plain, to_plain_sympy
from rpsdg_formal.terms.sample import ExprShape, random_expr
from rpsdg_formal.terms.signature import Fixity, Operator, Signature
from rpsdg_formal.terms.sympy_text import SympyTextError, read_sympy

FIELDS = ("symbol", "fixity", "precedence", "lean_symbol", "latex")
TREES = 150
"""Random trees drawn per theory for the printer checks."""


@dataclass(frozen=True)
class RenderingCheck:
    """The rendering verdict for one operator (or, with name "printers", the random trees)."""

    name: str
    ok: bool
    detail: str


def _field(thing: Operator | Meaning, name: str) -> object:
    value = getattr(thing, name)
    return value.value if isinstance(value, Fixity) else value


def operator_check(op: Operator) -> RenderingCheck:
    """Does `op` render exactly as its registry entry does, in every syntax?"""
    entry = REGISTRY[op.model]
    problems = []
    for name in FIELDS:
        got, want = _field(op, name), _field(entry, name)
        if got == want:
            continue
        text = f"its {name} is {got!r} where the standard rendering of {entry.name} is {want!r}"
        others = [
            m.name for m in REGISTRY.values() if m.name != entry.name and _field(m, name) == got
        ]
        if others:
            text += f" ({got!r} is how {others[0]} is written: the text would say another operator)"
        problems.append(text)
    if not problems:
        return RenderingCheck(op.name, True, f"renders as the registry's {entry.name}")
    return RenderingCheck(op.name, False, "; ".join(problems))


def standard_signature(sig: Signature) -> Signature:
    """`sig` with every operator's display fields taken from its registry entry."""
    ops = []
    for op in sig.operators:
        entry = REGISTRY[op.model]
        ops.append(
            replace(
                op,
                symbol=entry.symbol,
                fixity=Fixity(entry.fixity),
                precedence=entry.precedence,
                lean_symbol=entry.lean_symbol,
                latex=entry.latex,
            )
        )
    return Signature(tuple(ops), sig.numerals)


def _tree_problem(tree: Expr, sig: Signature, standard: Signature) -> str | None:
    human = to_human(tree, sig)
    for label, printer in (("human", to_human), ("Lean", to_lean), ("LaTeX", to_latex)):
        shown, want = printer(tree, sig), printer(tree, standard)
        if shown != want:
            return f"the {label} text {shown!r} is not the standard {want!r}"
    try:
        if parse_expr(human, sig) is not tree:
            return f"the human text {human!r} parses back to another tree"
    except ExprSyntaxError as err:
        return f"the human text {human!r} does not parse back: {err.reason}"
    plain = to_plain(tree, sig)
    try:
        read, meant = read_sympy(plain), to_plain_sympy(tree, sig)
        gap = read - meant
        if read != meant and sympy.expand(gap) != 0 and sympy.cancel(gap) != 0:
            return f"the plain text {plain!r} reads back to another function"
    except SympyTextError as err:
        return f"the plain text {plain!r} does not read back: {err}"
    return None


def printer_check(sig: Signature, seed: int) -> RenderingCheck:
    """Random trees of the theory through every printer (see the module doc)."""
    unary = tuple(op.name for op in sig.operators if op.arity == 1)
    binary = tuple(op.name for op in sig.operators if op.arity == 2)
    shape = ExprShape(unary, binary, ("a", "b", "c"), numerals=(1, 2, 3), max_ops=5, min_ops=1)
    rng = random.Random(seed)
    standard = standard_signature(sig)
    trees = [random_expr(shape, rng) for _ in range(TREES)]
    for tree in trees:
        try:
            problem = _tree_problem(tree, sig, standard)
        except (IndexError, KeyError, ValueError) as err:  # a template that cannot be filled
            problem = f"a display template cannot be filled ({type(err).__name__}: {err})"
        if problem is not None:
            return RenderingCheck("printers", False, f"{problem} (tree {to_human(tree, standard)})")
    return RenderingCheck("printers", True, f"{TREES} random trees print and read back faithfully")


def rendering_checks(sig: Signature, seed: int) -> list[RenderingCheck]:
    """One check per operator, then the random-tree check of the printers."""
    return [*(operator_check(op) for op in sig.operators), printer_check(sig, seed)]
