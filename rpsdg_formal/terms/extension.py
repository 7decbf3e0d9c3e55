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
