"""Running Lean: locating the embedded kernel, compiling theories, starting processes."""

from rpsdg_formal.kernel.build import build_theory, default_cache_dir
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.runner import LeanResult, LeanRunner, embedded_library

__all__ = [
    "KernelConfig",
    "LeanResult",
    "LeanRunner",
    "build_theory",
    "default_cache_dir",
    "embedded_library",
]
