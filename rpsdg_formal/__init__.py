"""rpsdg-formal: kernel-verified theorem/proof pairs made by the reverse process.

The data flow is visible in the modules: `rules` (+ `theory`) → `walk` (over `expr` trees,
steps from `rewrite`) → `emit` (Lean source) → `check` (the Lean `kernel`) → `records`.
"""

from .check import Accepted, Kernel, Rejected, check_batch, prepare_kernel
from .emit import batch_file, theorem
from .errors import RpsdgError
from .expr import Expr, app, num, var
from .generate import GenerateConfig, generate
from .parse import parse_equation, parse_expr
from .rewrite import RuleIndex, Step, apply_step, successors
from .rules import Rule, RuleSet, load_rules
from .walk import WalkConfig, draw_walk

__all__ = [
    "Accepted",
    "Expr",
    "GenerateConfig",
    "Kernel",
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
