"""A position in a list of tokens, for the recursive-descent parsers of both syntaxes.

The human-syntax parser (`terms.parse`) and the kernel-term whitelist (`serve.whitelist`) read
their tokens the same way: look at the next one, or take it. The list ends with an `end` token,
which the parsers stop at, so neither reads past it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Cursor(Generic[T]):
    """The tokens and the index of the next one."""

    def __init__(self, tokens: Sequence[T]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> T:
        """The next token, left in place."""
        return self.tokens[self.index]

    def take(self) -> T:
        """The next token, moving past it."""
        token = self.tokens[self.index]
        self.index += 1
        return token
