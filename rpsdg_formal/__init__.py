"""rpsdg-formal: kernel-verified theorem/proof pairs made by the reverse process.

The data flow is visible in the modules: `rules` (+ `theory`) → `walk` (over `expr` trees,
steps from `rewrite`) → `emit` (Lean source) → `check` (the Lean `kernel`) → `records`.

The public names below are imported on first use (PEP 562), so a process that needs one
corner of the package (a direct-kernel worker) does not import all of it, SymPy included.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rpsdg_formal.errors import RpsdgError
    from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_batch, prepare_kernel
    from rpsdg_formal.kernel.config import KernelConfig
    from rpsdg_formal.kernel.emit import batch_file, theorem
    from rpsdg_formal.pipeline.config import GenerateConfig
    from rpsdg_formal.pipeline.run import generate
    from rpsdg_formal.rewriting.steps import RuleIndex, Step, apply_step, successors
    from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk
    from rpsdg_formal.terms.expr import Expr, app, num, var
    from rpsdg_formal.terms.parse import parse_equation, parse_expr
    from rpsdg_formal.theory.rules import Rule, RuleSet, load_rules

_HOME = {
    "RpsdgError": "errors",
    "Accepted": "kernel.check",
    "Kernel": "kernel.check",
    "Rejected": "kernel.check",
    "check_batch": "kernel.check",
    "prepare_kernel": "kernel.check",
    "KernelConfig": "kernel.config",
    "batch_file": "kernel.emit",
    "theorem": "kernel.emit",
    "GenerateConfig": "pipeline.config",
    "generate": "pipeline.run",
    "RuleIndex": "rewriting.steps",
    "Step": "rewriting.steps",
    "apply_step": "rewriting.steps",
    "successors": "rewriting.steps",
    "WalkConfig": "rewriting.walk",
    "draw_walk": "rewriting.walk",
    "Expr": "terms.expr",
    "app": "terms.expr",
    "num": "terms.expr",
    "var": "terms.expr",
    "parse_equation": "terms.parse",
    "parse_expr": "terms.parse",
    "Rule": "theory.rules",
    "RuleSet": "theory.rules",
    "load_rules": "theory.rules",
}
"""Each public name and the module (under this package) that defines it."""


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'rpsdg_formal' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rpsdg_formal.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Accepted",
    "Expr",
    "GenerateConfig",
    "Kernel",
    "KernelConfig",
    "Rejected",
    "RpsdgError",
    "Rule",
    "RuleIndex",
    "RuleSet",
    "Step",
    "WalkConfig",
    "app",
    "apply_step",
    "batch_file",
    "check_batch",
    "draw_walk",
    "generate",
    "load_rules",
    "num",
    "parse_equation",
    "parse_expr",
    "prepare_kernel",
    "successors",
    "theorem",
    "var",
]
__version__ = "0.1.0"
