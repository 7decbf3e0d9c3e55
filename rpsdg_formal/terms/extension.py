"""The package's optional C extensions: `pip install` builds each where a C compiler is
present, and the pure-Python code it mirrors (its reference) answers where it is not."""

from __future__ import annotations

import importlib
from types import ModuleType


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
