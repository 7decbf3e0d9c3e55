"""rpsdg-formal: kernel-verified theorem/proof pairs made by the reverse process.

The data flow is visible in the modules: `rules` (+ `theory`) → `walk` (over `expr` trees,
steps from `rewrite`) → `emit` (Lean source) → `check` (the Lean `kernel`) → `records`.
"""

from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_batch, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.emit import batch_file, theorem
from rpsdg_formal.pipeline.run import GenerateConfig, generate
from rpsdg_formal.rewriting.steps import RuleIndex, Step, apply_step, successors
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.parse import parse_equation, parse_expr
from rpsdg_formal.theory.rules import Rule, RuleSet, load_rules

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
