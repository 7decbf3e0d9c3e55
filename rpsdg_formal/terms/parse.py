"""Parser for the human syntax of rule files and records (`a * (b + c)`, `-x`, `y⁻¹`, `exp(x)`).

A Pratt parser driven by a `Signature`: operator symbols, fixities and precedences are data.
Numerals are natural numbers; `-3` is `neg` applied to `3`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rpsdg_formal.errors import ExprSyntaxError
from rpsdg_formal.terms.cursor import Cursor
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.signature import Fixity, Operator, Signature

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    """One lexical token and the column it starts at."""

    kind: str  # "num", "ident", "sym", "(", ")", ",", "end"
    text: str
    column: int


Symbols = Sequence[tuple[re.Pattern[str], str]]
"""Operator symbols to try in order: the pattern that matches one in the text, and its token."""


def _lex(
    text: str, ident: re.Pattern[str], punctuation: Sequence[str], symbols: Symbols
) -> list[Token]:
    """Split `text` into numerals, identifiers (`ident`), `punctuation` and operator `symbols`
    (the first that matches), skipping spaces; the one lexer of both syntaxes."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if space := _SPACE.match(text, pos):
            pos = space.end()
            continue
        if m := _NUMBER.match(text, pos):
            tokens.append(Token("num", m.group(), pos))
        elif m := ident.match(text, pos):
            tokens.append(Token("ident", m.group(), pos))
        elif punct := next((p for p in punctuation if text.startswith(p, pos)), None):
            tokens.append(Token(punct, punct, pos))
        else:
            found = next(((m, s) for p, s in symbols if (m := p.match(text, pos))), None)
            if found is None:
                raise ExprSyntaxError(text, pos, f"unexpected character {text[pos]!r}")
            tokens.append(Token("sym", found[1], pos))
            pos = found[0].end()
            continue
        pos += len(tokens[-1].text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def tokenize(text: str, signature: Signature) -> list[Token]:
    """Split `text` into tokens, matching operator symbols greedily."""
    return _lex(text, _IDENT, ("(", ")", ","), _literal(signature.symbols()))


@functools.lru_cache(maxsize=64)
def _literal(symbols: tuple[str, ...]) -> Symbols:
    """Each symbol as a pattern matching exactly it (compiled once per signature)."""
    return tuple((re.compile(re.escape(s)), s) for s in symbols)


class _Parser(Cursor[Token]):
    def __init__(self, text: str, signature: Signature) -> None:
        super().__init__(tokenize(text, signature))
        self.text = text
        self.sig = signature

    def fail(self, token: Token, reason: str) -> ExprSyntaxError:
        return ExprSyntaxError(self.text, token.column, reason)

    def expect(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            found = "end of input" if token.kind == "end" else repr(token.text)
            raise self.fail(token, f"expected {kind!r}, found {found}")
        return token

    def postfix(self, symbol: str) -> Operator | None:
        return self.sig.postfix(symbol)

    def infix(self, symbol: str) -> Operator | None:
        return self.sig.infix(symbol)

    def expression(self, min_bp: int = 0) -> Expr:
        left = self.operand()
        while True:
            token = self.peek()
            if token.kind != "sym":
                return left
            post = self.postfix(token.text)
            if post is not None:
                if post.precedence < min_bp:
                    return left
                self.take()
                left = app(post.name, left)
                continue
            infix = self.infix(token.text)
            if infix is None:
                raise self.fail(token, f"{token.text!r} cannot follow an expression")
            if infix.precedence < min_bp:
                return left
            self.take()
            left = app(infix.name, left, self.expression(infix.precedence + 1))

    def operand(self) -> Expr:
        token = self.take()
        if token.kind == "num":
            return num(int(token.text))
        if token.kind == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if token.kind == "sym":
            pre = self.sig.prefix(token.text)
            if pre is None:
                raise self.fail(token, f"{token.text!r} cannot start an expression")
            return app(pre.name, self.expression(pre.precedence))
        if token.kind == "ident":
            return self.identifier(token)
        found = "end of input" if token.kind == "end" else repr(token.text)
        raise self.fail(token, f"expected an expression, found {found}")

    def identifier(self, token: Token) -> Expr:
        if self.peek().kind != "(":
            const = self.sig.constant(token.text)
            return app(const.name) if const is not None else var(token.text)
        func = self.sig.function(token.text)
        if func is None:
            raise self.fail(token, f"unknown function {token.text!r}")
        self.take()
        args = [self.expression()]
        while self.peek().kind == ",":
            self.take()
            args.append(self.expression())
        self.expect(")")
        if len(args) != func.arity:
            raise self.fail(token, f"{func.name} takes {func.arity} argument(s), got {len(args)}")
        return app(func.name, *args)


def parse_expr(text: str, signature: Signature) -> Expr:
    """Parse one expression in human syntax."""
    parser = _Parser(text, signature)
    result = parser.expression()
    end = parser.peek()
    if end.kind != "end":
        raise parser.fail(end, f"unexpected {end.text!r} after a complete expression")
    return result


def parse_equation(text: str, signature: Signature) -> tuple[Expr, Expr]:
    """Parse `lhs = rhs` into its two sides."""
    if text.count("=") != 1:
        column = text.find("=", text.find("=") + 1) if "=" in text else len(text)
        raise ExprSyntaxError(text, max(column, 0), "an equation needs exactly one '='")
    left, right = text.split("=")
    lhs = parse_expr(left, signature)
    try:
        rhs = parse_expr(right, signature)
    except ExprSyntaxError as err:
        raise ExprSyntaxError(text, len(left) + 1 + err.column, err.reason) from err
    return lhs, rhs


# --- the standard Lean rendering (`printers.to_lean`), as tactics and goal states show it ------

_LEAN_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_PUNCTUATION = ("=>", "(", ")", ":", "=")


def _spaced(symbol: str) -> re.Pattern[str]:
    """A symbol as a pattern in which its inner spaces are optional (`x ^ 2`, `x^2`)."""
    parts = [re.escape(p) for p in symbol.split()]
    return re.compile(r"\s*".join(parts))


MEMO = 4096
"""Texts a signature's table remembers the trees of."""
_T = TypeVar("_T")


@dataclass(frozen=True)
class _LeanTable:
    """What reading Lean text needs of a signature: its operators' symbols and the carrier,
    longest first, as patterns, and each operator by its fixity and Lean symbol."""

    symbols: Symbols
    operators: Mapping[tuple[Fixity, str], Operator]
    # texts read already (the environment reads the same goals and terms again and again);
    # trees are immutable and interned, so a text's tree can be handed out again
    expressions: dict[str, Expr] = field(default_factory=dict)
    equations: dict[str, tuple[Expr, Expr]] = field(default_factory=dict)

    def remember(self, memo: dict[str, _T], text: str, read: Callable[[], _T]) -> _T:
        """`read()`'s answer for `text`, read once (up to `MEMO` texts, then afresh)."""
        found = memo.get(text)
        if found is None:
            if len(memo) >= MEMO:
                memo.clear()
            found = memo[text] = read()
        return found


_TABLES: dict[tuple[int, str], tuple[Signature, _LeanTable]] = {}
"""`_lean_table` by the identity of its signature (kept alive with the answer): the proof
environment parses every action, and hashing a whole signature per lookup costs more than the
table saves."""


def _lean_table(signature: Signature, carrier: str) -> _LeanTable:
    key = (id(signature), carrier)
    known = _TABLES.get(key)
    if known is None or known[0] is not signature:
        if len(_TABLES) >= 64:
            _TABLES.clear()
        known = _TABLES[key] = (signature, _build_table(signature, carrier))
    return known[1]


def _build_table(signature: Signature, carrier: str) -> _LeanTable:
    named = (Fixity.FUNCTION, Fixity.CONSTANT)
    texts = {op.lean_symbol.strip() for op in signature.operators if op.fixity not in named}
    ordered = sorted(texts | {carrier}, key=lambda s: (-len(s), s))
    operators: dict[tuple[Fixity, str], Operator] = {}
    for op in signature.operators:  # the first one, when several share a fixity and symbol
        operators.setdefault((op.fixity, op.lean_symbol.strip()), op)
    return _LeanTable(tuple((_spaced(s), s) for s in ordered), operators)


class _LeanParser(_Parser):
    """Reads `printers.to_lean` output back: operators by their `lean_symbol`, functions by
    juxtaposition (`Real.exp x`), templates (`deriv (fun x => F) x`), and numeral ascriptions
    (`(2 : ℝ)`) of the carrier type `carrier`."""

    def __init__(self, text: str, signature: Signature, carrier: str) -> None:
        self.text = text
        self.sig = signature
        self.carrier = carrier
        self.table = _lean_table(signature, carrier)
        Cursor.__init__(self, self._tokenize())  # not _Parser's: the tokens are Lean's

    def _tokenize(self) -> list[Token]:
        return _lex(self.text, _LEAN_IDENT, _PUNCTUATION, self.table.symbols)

    def _operator(self, symbol: str, fixity: Fixity) -> Operator | None:
        return self.table.operators.get((fixity, symbol))

    def postfix(self, symbol: str) -> Operator | None:
        return self._operator(symbol, Fixity.POSTFIX)

    def infix(self, symbol: str) -> Operator | None:
        return self._operator(symbol, Fixity.INFIX)

    def _parenthesised(self) -> Expr:
        """`( e )` or `( e : carrier )`, the `(` already taken."""
        inner = self.expression()
        if self.peek().kind == ":":
            self.take()
            kind = self.take()
            if kind.text != self.carrier:
                raise self.fail(kind, f"expected the type {self.carrier}, found {kind.text!r}")
        self.expect(")")
        return inner

    def _template(self) -> Expr | None:
        """A function written as a template around its argument (`deriv (fun x => F) x`)."""
        for op in self.sig.operators:
            if op.fixity is not Fixity.FUNCTION or "{0}" not in op.lean_symbol:
                continue
            before, after = op.lean_symbol.split("{0}", 1)
            start = self.index
            if self._literal(before):
                inner = self.expression()
                if self._literal(after):
                    return app(op.name, inner)
                raise self.fail(self.peek(), f"expected {after.strip()!r} to close {op.name}")
            self.index = start
        return None

    def _literal(self, text: str) -> bool:
        """Take the tokens that spell `text` (spaces aside) if they come next."""
        wanted = "".join(text.split())
        seen = ""
        while len(seen) < len(wanted):
            token = self.peek()
            if token.kind == "end" or not wanted.startswith(seen + token.text):
                return False
            seen += self.take().text
        return True

    def operand(self) -> Expr:
        token = self.peek()
        if token.kind == "ident" and (templated := self._template()) is not None:
            return templated
        token = self.take()
        if token.kind == "(":
            return self._parenthesised()
        if token.kind == "sym":
            pre = self._operator(token.text, Fixity.PREFIX)
            if pre is None:
                raise self.fail(token, f"{token.text!r} cannot start an expression")
            return app(pre.name, self.expression(pre.precedence))
        if token.kind == "ident":
            func = self._function(token.text)
            if func is not None:
                return app(func.name, *(self._argument() for _ in range(func.arity)))
            return self._atom(token)
        if token.kind == "num":
            return num(int(token.text))
        found = "end of input" if token.kind == "end" else repr(token.text)
        raise self.fail(token, f"expected an expression, found {found}")

    def _function(self, name: str) -> Operator | None:
        for op in self.sig.operators:
            if op.fixity is Fixity.FUNCTION and op.lean_symbol == name:
                return op
        return None

    def _atom(self, token: Token) -> Expr:
        const = self._operator(token.text, Fixity.CONSTANT)
        if const is not None:
            return app(const.name)
        if "." in token.text or not _IDENT.fullmatch(token.text):
            raise self.fail(token, f"unknown identifier {token.text!r}")
        return var(token.text)

    def _argument(self) -> Expr:
        """A function's argument: an atom or a parenthesised expression; as in Lean, a postfix
        symbol written without a space (`⁻¹`) binds to the argument, not to the application."""
        token = self.take()
        if token.kind == "(":
            arg = self._parenthesised()
        elif token.kind == "num":
            arg = num(int(token.text))
        elif token.kind == "ident" and self._function(token.text) is None:
            arg = self._atom(token)
        else:
            raise self.fail(token, "a function argument must be a name, a numeral or parenthesised")
        while self.peek().kind == "sym":
            post = self._operator(self.peek().text, Fixity.POSTFIX)
            if post is None or post.lean_symbol[:1].isspace():
                break
            self.take()
            arg = app(post.name, arg)
        return arg


def parse_lean_expr(text: str, signature: Signature, carrier: str) -> Expr:
    """Parse one expression in the standard Lean rendering (`printers.to_lean`)."""
    table = _lean_table(signature, carrier)
    return table.remember(table.expressions, text, lambda: _expression(text, signature, carrier))


def _expression(text: str, signature: Signature, carrier: str) -> Expr:
    parser = _LeanParser(text, signature, carrier)
    result = parser.expression()
    end = parser.peek()
    if end.kind != "end":
        raise parser.fail(end, f"unexpected {end.text!r} after a complete expression")
    return result


def parse_lean_equation(text: str, signature: Signature, carrier: str) -> tuple[Expr, Expr]:
    """Parse `lhs = rhs` in the standard Lean rendering."""
    table = _lean_table(signature, carrier)
    return table.remember(table.equations, text, lambda: _equation(text, signature, carrier))


def _equation(text: str, signature: Signature, carrier: str) -> tuple[Expr, Expr]:
    parser = _LeanParser(text, signature, carrier)
    lhs = parser.expression()
    parser.expect("=")
    rhs = parser.expression()
    end = parser.peek()
    if end.kind != "end":
        raise parser.fail(end, f"unexpected {end.text!r} after the equation")
    return lhs, rhs
