"""`extension.stores_only`: the guard of the compiled parts that make dataclass objects without
calling their class (`families/_rows.c`, the C walk's steps). It must answer True only for a
class whose `__init__` is exactly the one `dataclasses` generates for the given fields: any
hand-written `__init__`, validation, `__post_init__`, default, other field list or order,
`__new__` or metaclass answers False."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from rpsdg_formal.dataset.record import StepRow
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.extension import stores_only

NAMES = ("a", "b")


@dataclass(frozen=True)
class Plain:
    a: str
    b: str


@dataclass(frozen=True, init=False)
class HandWritten:
    a: str
    b: str

    def __init__(self, a: str, b: str) -> None:  # stores the same fields, and checks one
        if not a:
            raise ValueError("a must not be empty")
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)


@dataclass(frozen=True)
class PostInit:
    a: str
    b: str

    def __post_init__(self) -> None:
        if not self.a:
            raise ValueError("a must not be empty")


@dataclass(frozen=True)
class Defaulted:
    a: str
    b: str = "b"


@dataclass(frozen=True)
class Factory:
    a: str
    b: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Reordered:
    b: str
    a: str


@dataclass(frozen=True)
class Longer:
    a: str
    b: str
    c: str


@dataclass
class Mutable:
    a: str
    b: str


@dataclass(frozen=True)
class NewToo:
    a: str
    b: str

    def __new__(cls, *args: Any) -> NewToo:
        return super().__new__(cls)


class Meta(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*args, **kwargs)


@dataclass(frozen=True)
class WithMeta(metaclass=Meta):
    a: str
    b: str


class NotADataclass:
    def __init__(self, a: str, b: str) -> None:
        self.a, self.b = a, b


@dataclass(frozen=True)
class Decorated:
    a: str
    b: str


_generated = Decorated.__init__


def _logged(self: Decorated, a: str, b: str) -> None:  # a wrapper that only forwards
    _generated(self, a, b)


Decorated.__init__ = _logged  # type: ignore[method-assign]


OTHERS = [HandWritten, PostInit, Defaulted, Factory, Reordered, Longer, Mutable, NewToo]
OTHERS += [WithMeta, NotADataclass, Decorated]


def test_the_generated_init_of_the_fields_only_stores_them() -> None:
    assert stores_only(Plain, NAMES)
    row = ("state_before", "rule", "direction", "position", "substitution", "state_after", "lean")
    assert stores_only(StepRow, row)
    assert stores_only(Step, ("rule", "reverse", "path", "substitution", "before", "after"))


@pytest.mark.parametrize(
    "cls",
    OTHERS,
    ids=lambda c: c.__name__,
)
def test_any_other_init_does_not(cls: type) -> None:
    assert not stores_only(cls, NAMES)


def test_other_names_do_not() -> None:
    assert not stores_only(Plain, ("b", "a"))
    assert not stores_only(Plain, ("a",))
