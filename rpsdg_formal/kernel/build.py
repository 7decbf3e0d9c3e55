"""Compile a theory's Lean modules to .olean once, into a cache keyed by Lean version and sources.

The cache entry is built in a temporary folder and renamed into place, so a crash or a second
process building the same entry never leaves a half-built cache behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from rpsdg_formal.errors import TheoryBuildError
from rpsdg_formal.kernel.runner import LeanRunner
from rpsdg_formal.theory.section import Theory


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/rpsdg-formal`, else `~/.cache/rpsdg-formal`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rpsdg-formal"


def build_theory(theory: Theory, runner: LeanRunner, cache_dir: Path, version: str) -> Path:
    """The folder to put on LEAN_PATH for `theory`, compiling it first if it is not cached."""
    target = cache_dir / f"lean-{version}-{theory.name}-{theory.source_hash()}"
    if (target / ".complete").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_dir))
    try:
        compiler = runner.with_lean_path(staging)
        for module in theory.modules:
            olean = staging.joinpath(*module.name.split(".")).with_suffix(".olean")
            olean.parent.mkdir(parents=True, exist_ok=True)
            result = compiler.run(
                ["--root", str(module.root), "-o", str(olean), str(module.path)],
                cwd=module.root,
                timeout=600,
            )
            if result.returncode != 0:
                output = (result.stdout + result.stderr).strip()
                raise TheoryBuildError(
                    f"Lean theory module {module.path} does not compile:\n{output}"
                )
        (staging / ".complete").write_text(version + "\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:
            if not (target / ".complete").is_file():  # not simply beaten by another process
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
