"""The operators of a theory: how each is written, parsed, printed and named in Lean.

A `Signature` is data read from the `theory:` section of a rule file, so a new domain needs no
Python change. Parsers and printers consult it; nothing else knows how an operator looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

LEAN_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*\Z")
"""What we accept as a Lean name from a rule file: plain ASCII identifiers, dot-separated."""

LEAN_KEYWORDS = frozenset(
    """fun have show from let in if then else match with do by at theorem def axiom example
    inductive structure class instance where open namespace section end import prelude universe
    variable set_option deriving mutual private protected noncomputable partial unsafe macro
    syntax notation infix infixl infixr prefix postfix calc forall exists Type Prop Sort sorry
    return for unless try catch finally break continue mut nomatch nofun termination_by
    decreasing_by local scoped attribute abbrev opaque axiom""".split()
)


class Fixity(Enum):
    """How an operator is written in human syntax."""

    INFIX = "infix"  # left-associative binary: a + b
    PREFIX = "prefix"  # unary before its argument: -a
    POSTFIX = "postfix"  # unary after its argument: a⁻¹
    FUNCTION = "function"  # call syntax: exp(a)
    CONSTANT = "constant"  # a name with no arguments: x (the variable of a differential field)


ARITY = {Fixity.INFIX: 2, Fixity.PREFIX: 1, Fixity.POSTFIX: 1, Fixity.CONSTANT: 0}


@dataclass(frozen=True)
class Operator:
    """One operator of a signature."""

    name: str
    symbol: str
    fixity: Fixity
    arity: int
    precedence: int
    lean: str
    lean_symbol: str
    model: str  # the name of its entry in the trusted model registry (`terms.meaning`)
    latex: str


@dataclass(frozen=True)
class Numerals:
    """The Lean constants that spell numerals: 0, 1 and binary digits (see Field.lean)."""

    zero: str
    one: str
    bit0: str
    bit1: str


@dataclass(frozen=True)
class Signature:
    """All operators of a theory, indexed for the parser and printers."""

    operators: tuple[Operator, ...]
    numerals: Numerals
    # the operators by name (the first of a name, as a scan would find): printers look an
    # operator up at every node
    _by_name: dict[str, Operator] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        table: dict[str, Operator] = {}
        for op in self.operators:
            table.setdefault(op.name, op)
        object.__setattr__(self, "_by_name", table)

    def by_name(self, name: str) -> Operator:
        return self._by_name[name]

    def names(self) -> frozenset[str]:
        return frozenset(op.name for op in self.operators)

    def symbols(self) -> tuple[str, ...]:
        """Operator symbols, longest first (for greedy tokenising)."""
        named = (Fixity.FUNCTION, Fixity.CONSTANT)
        syms = {op.symbol for op in self.operators if op.fixity not in named}
        return tuple(sorted(syms, key=lambda s: (-len(s), s)))

    def infix(self, symbol: str) -> Operator | None:
        return _find(self.operators, symbol, Fixity.INFIX)

    def prefix(self, symbol: str) -> Operator | None:
        return _find(self.operators, symbol, Fixity.PREFIX)

    def postfix(self, symbol: str) -> Operator | None:
        return _find(self.operators, symbol, Fixity.POSTFIX)

    def function(self, name: str) -> Operator | None:
        return _find(self.operators, name, Fixity.FUNCTION)

    def constant(self, name: str) -> Operator | None:
        return _find(self.operators, name, Fixity.CONSTANT)

    def lean_names(self) -> frozenset[str]:
        """Every Lean constant the signature mentions (variables must not shadow these)."""
        n = self.numerals
        return frozenset({op.lean for op in self.operators} | {n.zero, n.one, n.bit0, n.bit1})


def _find(ops: tuple[Operator, ...], symbol: str, fixity: Fixity) -> Operator | None:
    for op in ops:
        if op.symbol == symbol and op.fixity is fixity:
            return op
    return None


def is_lean_ident(name: str) -> bool:
    """True if `name` is a safe Lean identifier (ASCII, dotted parts, not a keyword)."""
    return bool(LEAN_IDENT.match(name)) and not any(
        part in LEAN_KEYWORDS for part in name.split(".")
    )
