"""Running Lean: locating the embedded kernel, compiling theories, starting processes."""

from .build import build_theory, default_cache_dir
from .runner import LeanResult, LeanRunner, embedded_library

__all__ = ["LeanResult", "LeanRunner", "build_theory", "default_cache_dir", "embedded_library"]
