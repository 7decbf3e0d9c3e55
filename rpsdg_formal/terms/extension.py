"""The package's optional C extensions: `pip install` builds each where a C compiler is
present, and the pure-Python code it mirrors (its reference) answers where it is not."""

from __future__ import annotations

import dataclasses
import importlib
from types import FunctionType, ModuleType
from typing import Any, cast


def optional_extension(name: str) -> ModuleType | None:
    """The compiled module `rpsdg_formal.<name>` (e.g. `terms._texts`), or None where it was
    not built."""
    try:
        return importlib.import_module(f"rpsdg_formal.{name}")
    except ImportError:
        return None


class Switch:
    """Whether a module uses its compiled part where it is built: on by default, turned off by
    tests that compare it with the pure-Python reference (each module's `use_compiled`)."""

    def __init__(self, on: bool = True) -> None:
        self.on = on

    def set(self, on: bool) -> bool:
        """Turn the switch to `on`; returns the previous setting (to put it back)."""
        before, self.on = self.on, on
        return before


def stores_only(cls: type, names: tuple[str, ...]) -> bool:
    """Whether `cls(*values)` only stores `values` under `names`, in order, as a compiled part
    that makes `cls` objects without calling it (`object.__new__`, then `object.__setattr__`
    of each name) needs: `cls` is a plain class (no metaclass, no `__new__`) whose `__init__` is,
    code, defaults and closure, the one `dataclasses` generates for a frozen dataclass of
    exactly those fields (so a hand-written `__init__`, validation, a `__post_init__`, a
    default, a changed field list or order all answer False, and the caller calls `cls`)."""
    init, new = init_and_new(cls)
    if type(cls) is not type or new is not object.__new__:
        return False
    if not dataclasses.is_dataclass(cls):
        return False
    if tuple(f.name for f in dataclasses.fields(cls)) != names:
        return False
    reference = _generated_init(names)
    return (
        isinstance(init, FunctionType)
        and init.__code__ == reference.__code__
        and init.__defaults__ is None
        and init.__kwdefaults__ is None
        and _cells(init) == _cells(reference)
    )


def init_and_new(cls: type) -> tuple[object, object]:
    """`cls.__init__` and `cls.__new__`, as the class holds them (not bound): what a compiled
    part that makes `cls` objects itself skips."""
    plain: Any = cls  # (mypy refuses `__init__` read from a type)
    return plain.__init__, plain.__new__


def _generated_init(names: tuple[str, ...]) -> FunctionType:
    """The `__init__` `dataclasses` generates for a frozen dataclass of fields `names`."""
    init, _ = init_and_new(dataclasses.make_dataclass("Reference", names, frozen=True))
    return cast(FunctionType, init)


def _cells(function: FunctionType) -> list[int]:
    """The identities of what `function`'s closure holds (the generated `__init__` closes
    over `object`, whose `__setattr__` it calls)."""
    return [id(cell.cell_contents) for cell in function.__closure__ or ()]
