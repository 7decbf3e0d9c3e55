"""A reader for the terms Lean itself prints (`#print` with `pp.fullNames` and `pp.explicit`).

The audit never reads a theory's own source for meaning: it asks Lean to print every
declaration with every constant fully resolved, and reads that output here into a small tree.
Only the shapes Lean prints for our theories are read (`∀` and `fun` binders, `→`, application,
`@` for explicit arguments, parentheses, sorts); anything else raises LeanTermError, and the
audit reports the declaration as one it cannot interpret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rpsdg_formal.errors import RpsdgError

_TOKEN = re.compile(r"\s*(∀|→|=>|\(|\)|\{|\}|,|:|@|[^\s(){}\[\],:→@]+)")


class LeanTermError(RpsdgError, ValueError):
    """Lean printed a term outside the shapes the audit interprets."""


@dataclass(frozen=True)
class Term:
    """A printed term: `kind` is "name", "app", "forall", "fun", "arrow" or "sort".

    `name` is the identifier (for "name" and "sort"); `args` the function and its arguments
    ("app"), the domain and codomain ("arrow"), or the body ("forall", "fun") with `binders`
    the bound names and their type (None for an untyped `fun` binder).
    """

    kind: str
    name: str = ""
    args: tuple[Term, ...] = ()
    binders: tuple[tuple[str, Term | None], ...] = ()


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise LeanTermError(f"expected {expected or 'more'}, found {token!r}")
        self.index += 1
        return token

    def term(self) -> Term:
        token = self.peek()
        if token in ("∀", "fun"):
            self.take()
            binders = self.binders("," if token == "∀" else "=>")
            body = self.term()
            return Term("forall" if token == "∀" else "fun", args=(body,), binders=binders)
        head = self.application()
        if self.peek() == "→":
            self.take()
            return Term("arrow", args=(head, self.term()))
        return head

    def binders(self, closer: str) -> tuple[tuple[str, Term | None], ...]:
        bound: list[tuple[str, Term | None]] = []
        while self.peek() not in (closer, None):
            token = self.take()
            if token in ("(", "{"):
                names = []
                while self.peek() not in (":", "}", ")", None):
                    names.append(self.name(self.take()))
                kind: Term | None = None
                if self.peek() == ":":
                    self.take()
                    kind = self.term()
                self.take(")" if token == "(" else "}")
                bound += [(n, kind) for n in names]
            else:
                bound.append((self.name(token), None))
        self.take(closer)
        if not bound:
            raise LeanTermError("a binder list is empty")
        return tuple(bound)

    def application(self) -> Term:
        parts = [self.atom()]
        while self.peek() not in (None, ")", "}", ",", "→", "=>", ":"):
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else Term("app", args=tuple(parts))

    def atom(self) -> Term:
        token = self.take()
        if token == "(":
            inner = self.term()
            self.take(")")
            return inner
        if token == "@":
            return Term("name", self.name(self.take()))
        if token in ("Prop", "Type", "Sort"):
            return Term("sort", token)
        return Term("name", self.name(token))

    @staticmethod
    def name(token: str) -> str:
        if token in ("∀", "fun", "=>", "→", "(", ")", "{", "}", ",", ":", "@"):
            raise LeanTermError(f"expected a name, found {token!r}")
        return token


def _lex(text: str) -> list[str]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise LeanTermError(f"unexpected {text[pos : pos + 12]!r}")
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def read_term(text: str) -> Term:
    """The tree of one printed term; raises LeanTermError outside the shapes read here."""
    reader = _Reader(text)
    term = reader.term()
    if reader.peek() is not None:
        raise LeanTermError(f"unexpected {reader.peek()!r} after a complete term")
    return term


def spine(term: Term) -> tuple[Term, tuple[Term, ...]]:
    """The head and the arguments of an application (the term itself and () otherwise)."""
    return (term.args[0], term.args[1:]) if term.kind == "app" else (term, ())
