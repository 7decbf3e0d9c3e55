"""How to run the Lean kernel: one frozen, picklable configuration shared by the command line,
the local pipeline, the Ray tasks (each node rebuilds its kernel from it) and the service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.build import default_cache_dir
from rpsdg_formal.kernel.runner import LeanRunner

ROUTES = ("direct", "lean")
"""The kernel routes: proof terms built in Python (`direct`) or Lean source through `lean`."""


@dataclass(frozen=True)
class KernelConfig:
    """Which Lean, where its compiled theories are cached, and the limits of each Lean file.

    It holds only plain values (no process, no open file), so it travels to Ray workers and
    hashes into run manifests unchanged.
    """

    lean: str | None = None  # a standard `lean` executable; None: the embedded kernel
    cache_dir: Path | None = None  # compiled theories; None: `default_cache_dir()`
    threads: int = 1  # Lean elaboration threads per process (`-j`)
    memory_mb: int = 0  # Lean's memory limit per file; 0: none
    timeout: float = 900.0  # seconds of wall time per Lean file
    heartbeats: int = 0  # Lean's maxHeartbeats per theorem (thousands); 0: Lean's default
    # Elaborate theorems one after another, with no async tasks: about 1.5x less CPU, for
    # callers that run one Lean per core. A failed theorem is then reported as an error at its
    # `#print axioms` line too ("Unknown constant"), not by an internal exception.
    sequential: bool = False
    # Who checks a theorem that carries its proof spec (`LeanTheorem.origin`) in
    # `check.check_theorems`: "direct", the kernel on terms built in Python (a worker pool per
    # process, `shared`), or "lean", the text route. A theorem without a spec always goes to
    # `lean`; `check`, `audit` and the lean-project export check files and always use `lean`.
    route: str = "direct"

    def __post_init__(self) -> None:
        problems = [
            message
            for bad, message in (
                (self.threads < 1, f"--threads must be at least 1, got {self.threads}"),
                (self.memory_mb < 0, f"--memory-mb must be 0 (none) or more, got {self.memory_mb}"),
                (self.timeout <= 0, f"--lean-timeout must be positive, got {self.timeout:g}"),
                (
                    self.route not in ROUTES,
                    f"--kernel must be one of {', '.join(ROUTES)}, got {self.route!r}",
                ),
                (
                    self.heartbeats < 0,
                    f"--max-heartbeats must be 0 (Lean's default) or more, got {self.heartbeats}",
                ),
            )
            if bad
        ]
        if problems:
            raise ConfigError("; ".join(problems))

    def runner(self) -> LeanRunner:
        """The Lean to start: `lean` if given, else the embedded kernel."""
        return LeanRunner.external(self.lean) if self.lean else LeanRunner.embedded()

    def cache(self) -> Path:
        """Where compiled theories are kept."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    def lean_args(self, path: Path) -> list[str]:
        """Lean's command line for checking the file at `path` under these limits."""
        args = ["--json", f"-j{self.threads}"]
        if self.sequential:
            args += ["-D", "Elab.async=false"]
        if self.memory_mb:
            args.append(f"--memory={self.memory_mb}")
        if self.heartbeats:
            args += ["-D", f"maxHeartbeats={self.heartbeats}"]
        return [*args, str(path)]
