"""Parser for the human syntax of rule files and records (`a * (b + c)`, `-x`, `y⁻¹`, `exp(x)`).

A Pratt parser driven by a `Signature`: operator symbols, fixities and precedences are data.
Numerals are natural numbers; `-3` is `neg` applied to `3`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ExprSyntaxError
from .expr import Expr, app, num, var
from .signature import Signature

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    """One lexical token and the column it starts at."""

    kind: str  # "num", "ident", "sym", "(", ")", ",", "end"
    text: str
    column: int


def tokenize(text: str, signature: Signature) -> list[Token]:
    """Split `text` into tokens, matching operator symbols greedily."""
    tokens: list[Token] = []
    symbols = signature.symbols()
    pos = 0
    while pos < len(text):
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
            continue
        if m := _NUMBER.match(text, pos):
            tokens.append(Token("num", m.group(), pos))
        elif m := _IDENT.match(text, pos):
            tokens.append(Token("ident", m.group(), pos))
        elif text[pos] in "(),":
            tokens.append(Token(text[pos], text[pos], pos))
        else:
            sym = next((s for s in symbols if text.startswith(s, pos)), None)
            if sym is None:
                raise ExprSyntaxError(text, pos, f"unexpected character {text[pos]!r}")
            tokens.append(Token("sym", sym, pos))
        pos += len(tokens[-1].text)
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, signature: Signature) -> None:
        self.text = text
        self.sig = signature
        self.tokens = tokenize(text, signature)
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, token: Token, reason: str) -> ExprSyntaxError:
        return ExprSyntaxError(self.text, token.column, reason)

    def expect(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            found = "end of input" if token.kind == "end" else repr(token.text)
            raise self.fail(token, f"expected {kind!r}, found {found}")
        return token

    def expression(self, min_bp: int = 0) -> Expr:
        left = self.operand()
        while True:
            token = self.peek()
            if token.kind != "sym":
                return left
            post = self.sig.postfix(token.text)
            if post is not None:
                if post.precedence < min_bp:
                    return left
                self.take()
                left = app(post.name, left)
                continue
            infix = self.sig.infix(token.text)
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
