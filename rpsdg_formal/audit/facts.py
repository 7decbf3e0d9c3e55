"""The axioms and definitions of a theory, read from its Lean sources into trees.

The audit model-checks every axiom the theory declares, and every definition of an operator
(`sub a b := add a (neg b)`) against the operator's model, so that a false axiom or a model
that disagrees with the Lean definitions is caught. Only the small prefix syntax our theory
files use is read: `∀ a b : R,` binders, `→` between `Ne`/`Eq` propositions, and applications
of the signature's constants (and the theory's positivity predicate, if it has one). Anything
else is reported as unreadable, never skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import Condition
from rpsdg_formal.theory.section import Theory

_TOKEN = re.compile(r"\s*(∀|→|\(|\)|,|:|=|[A-Za-z_][A-Za-z0-9_.']*)")
_DECL = re.compile(
    r"^(?:noncomputable\s+)?(axiom|def)\s+([A-Za-z_][A-Za-z0-9_.']*)\s*(.*)$", re.DOTALL
)


class FactSyntaxError(RpsdgError, ValueError):
    """A Lean declaration the audit cannot read (so it cannot be model-checked)."""


@dataclass(frozen=True)
class Fact:
    """An axiom or definition as an equation (or disequation) with hypotheses.

    `kind` is "axiom" or "definition"; `relation` is "eq" or "ne". A numeral digit definition
    (`bit0 a := add a a`) has `digit` 0 or 1: its model meaning is `2 * a + digit`, and `lhs`
    is just `a`.
    """

    name: str
    kind: str
    path: Path
    line: int
    variables: tuple[str, ...]
    hypotheses: tuple[Condition, ...]
    relation: str
    lhs: Expr
    rhs: Expr
    digit: int | None = None


@dataclass(frozen=True)
class Unreadable:
    """A declaration of the theory that could not be turned into a `Fact`."""

    name: str
    kind: str
    path: Path
    line: int
    reason: str


def declarations(source: str) -> list[tuple[int, str, str, str, str]]:
    """(line, kind, full name, rest of the declaration, namespace) of each axiom and def."""
    out = []
    stack: list[str] = []
    lines = source.splitlines()
    depth = 0
    i = 0
    while i < len(lines):
        raw = lines[i].strip()
        depth += raw.count("/-") - raw.count("-/")
        if depth > 0 or raw.startswith("--") or raw.startswith("/-"):
            i += 1
            continue
        if raw.startswith("namespace "):
            stack.append(raw.split()[1])
        elif raw.startswith("end ") and stack and raw.split()[1] == stack[-1]:
            stack.pop()
        elif m := _DECL.match(raw):
            start = i
            body = [m.group(3)]
            while i + 1 < len(lines) and lines[i + 1].startswith("  "):
                i += 1
                body.append(lines[i].strip())
            name = ".".join([*stack, m.group(2)])
            out.append((start + 1, m.group(1), name, " ".join(body), ".".join(stack)))
        i += 1
    return out


class _Reader:
    def __init__(self, text: str, theory: Theory) -> None:
        self.tokens = self._lex(text)
        self.index = 0
        self.theory = theory
        self.sig: Signature = theory.signature
        self.bound: list[str] = []
        numerals = self.sig.numerals
        self.numeral_kind = {theory.qualified(getattr(numerals, k)): k for k in vars(numerals)}

    @staticmethod
    def _lex(text: str) -> list[str]:
        tokens, pos = [], 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise FactSyntaxError(f"unexpected {text[pos : pos + 12]!r}")
            tokens.append(m.group(1))
            pos = m.end()
        return tokens

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise FactSyntaxError(f"expected {expected or 'more input'}, found {token!r}")
        self.index += 1
        return token

    def carrier(self) -> None:
        token = self.take()
        if self.theory.qualified(token) != self.theory.qualified(self.theory.carrier):
            raise FactSyntaxError(f"binders must range over {self.theory.carrier}, not {token}")

    def binders(self) -> None:
        """`a b : R` or groups `(a b : R) (c : R)`."""
        while self.peek() == "(":
            self.take("(")
            names = []
            while self.peek() not in (":", None):
                names.append(self.take())
            self.take(":")
            self.carrier()
            self.take(")")
            self.bound.extend(names)
        names = []
        while self.peek() not in (":", ",", None, ":="):
            names.append(self.take())
        if names:
            self.take(":")
            self.carrier()
            self.bound.extend(names)

    def proposition(self) -> tuple[str, Expr, Expr]:
        head = self.take()
        positive = self.theory.nonzero_lemma("positive")
        if positive is not None and self.theory.qualified(head) == self.theory.qualified(positive):
            arg = self.atom()
            return "pos", arg, arg
        relation = {"Eq": "eq", "Ne": "ne"}.get(head.rsplit(".", 1)[-1])
        if relation is None:
            raise FactSyntaxError(
                f"only Eq, Ne and the positivity predicate can be model-checked, not {head}"
            )
        return relation, self.atom(), self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token == "(":
            inner = self.term()
            self.take(")")
            return inner
        return self.constant(token, [])

    def term(self) -> Expr:
        token = self.take()
        if token == "(":
            head = self.term()
            self.take(")")
            if self.peek() not in (")", None):
                raise FactSyntaxError("a parenthesised term cannot be applied")
            return head
        args = []
        while self.peek() not in (")", None, ",", "→"):
            args.append(self.atom())
        return self.constant(token, args)

    def constant(self, name: str, args: list[Expr]) -> Expr:
        if name in self.bound:
            if args:
                raise FactSyntaxError(f"variable {name} cannot be applied")
            return var(name)
        full = self.theory.qualified(name) or name
        kind = self.numeral_kind.get(full)
        if kind in ("zero", "one") and not args:
            return num(0 if kind == "zero" else 1)
        if kind in ("bit0", "bit1") and len(args) == 1 and args[0].is_num:
            return num(2 * args[0].value + (kind == "bit1"))
        for op in self.sig.operators:
            if self.theory.qualified(op.lean) == full:
                if len(args) != op.arity:
                    raise FactSyntaxError(f"{name} takes {op.arity} argument(s), got {len(args)}")
                return app(op.name, *args)
        raise FactSyntaxError(f"{name!r} is not an operator, numeral or bound variable")


def _axiom(
    text: str, theory: Theory
) -> tuple[tuple[str, ...], tuple[Condition, ...], str, Expr, Expr] | None:
    """Read `: ∀ a b : R, H → ... → P`; None if the axiom declares a constant, not a fact."""
    reader = _Reader(text, theory)
    reader.take(":")
    if _declares_constant(reader.tokens[1:], theory):
        return None  # a type, constant, operator or predicate of the signature
    if reader.peek() == "∀":
        reader.take("∀")
        reader.binders()
        reader.take(",")
    hypotheses = []
    while True:
        relation, lhs, rhs = reader.proposition()
        if reader.peek() == "→":
            reader.take("→")
            if relation == "eq":
                raise FactSyntaxError("only Ne and positivity hypotheses can be model-checked")
            hypotheses.append(Condition(lhs, rhs, relation))
            continue
        if reader.peek() is not None:
            raise FactSyntaxError(f"unexpected {reader.peek()!r} after the proposition")
        return tuple(reader.bound), tuple(hypotheses), relation, lhs, rhs


def _declares_constant(tokens: list[str], theory: Theory) -> bool:
    """Is `tokens` (after the colon) a type such as `Type`, `R`, `R → R` or `R → Prop`?

    Anything else is read as a proposition, so an axiom with an unknown head is reported as
    unreadable rather than skipped.
    """
    carrier = theory.qualified(theory.carrier)
    return bool(tokens) and all(
        t in ("→", "Type", "Prop") or theory.qualified(t) == carrier or t == theory.carrier
        for t in tokens
    )


def _definition(
    short: str, text: str, theory: Theory
) -> tuple[tuple[str, ...], Expr, Expr, int | None] | None:
    """Read `(a b : R) : R := body` of an operator definition; None for other definitions."""
    sig = theory.signature
    op = next((o for o in sig.operators if o.lean == short), None)
    numeral = short in (sig.numerals.bit0, sig.numerals.bit1)
    if op is None and not numeral:
        return None
    reader = _Reader(text, theory)
    reader.binders()
    reader.take(":")
    reader.carrier()
    reader.take(":")
    reader.take("=")
    body = reader.term()
    if reader.peek() is not None:
        raise FactSyntaxError(f"unexpected {reader.peek()!r} after the definition")
    params = [var(v) for v in reader.bound]
    if op is not None:
        return tuple(reader.bound), app(op.name, *params), body, None
    if len(params) != 1:
        raise FactSyntaxError(f"{short} must take one argument")
    return tuple(reader.bound), params[0], body, int(short == sig.numerals.bit1)


def theory_facts(theory: Theory) -> tuple[list[Fact], list[Unreadable]]:
    """Every axiom and operator definition of `theory`, read for the model check.

    An axiom the theory declares (by `Theory.axioms`, the set the axiom audit allows) that this
    reader did not meet at all is reported as unreadable, so no axiom escapes the model check.
    """
    facts: list[Fact] = []
    unreadable: list[Unreadable] = []
    met: set[str] = set()
    for module in theory.modules:
        source = module.path.read_text(encoding="utf-8")
        for line, kind, name, rest, _ in declarations(source):
            met.add(name)
            label = "axiom" if kind == "axiom" else "definition"
            try:
                if kind == "axiom":
                    read = _axiom(rest, theory)
                    if read is not None:
                        binders, hyps, relation, lhs, rhs = read
                        facts.append(
                            Fact(name, label, module.path, line, binders, hyps, relation, lhs, rhs)
                        )
                else:
                    defined = _definition(name.rsplit(".", 1)[-1], rest, theory)
                    if defined is not None:
                        binders, lhs, rhs, digit = defined
                        facts.append(
                            Fact(name, label, module.path, line, binders, (), "eq", lhs, rhs, digit)
                        )
            except FactSyntaxError as err:
                unreadable.append(Unreadable(name, label, module.path, line, str(err)))
    where = theory.modules[-1].path
    for name in sorted(theory.axioms - met):
        reason = "declared in a form the model check does not read (write `axiom NAME : ...`)"
        unreadable.append(Unreadable(name, "axiom", where, 0, reason))
    return facts, unreadable
