"""What a generation run is asked and what it produced: its settings (`GenerateConfig`), its
summary (`GenerateSummary`), and the manifest that identifies its output folder (`run.json`:
`check` finds the rule file in it, and a run is resumed only by the same command). Shared by
the local pipeline (`run`) and the Ray backend.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.choice import chosen_family
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class GenerateConfig:
    """What to generate and where."""

    count: int
    seed: int
    out: Path
    walk: WalkConfig = field(default_factory=WalkConfig)
    select: SelectConfig = field(default_factory=SelectConfig)
    batch_size: int = 250
    force: bool = False
    exclude: frozenset[bytes] = frozenset()  # statement keys (expr.statement_key) not to repeat
    calculus: CalculusConfig | None = None  # integration problems instead of rewrite walks
    equation: EquationConfig | None = None  # equations to solve instead of rewrite walks
    workers: int = 1  # processes preparing theorems (the output does not depend on it)
    lean_jobs: int = 1  # Lean processes checking batches at the same time

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ConfigError(f"--count must be at least 1, got {self.count}")
        if self.batch_size < 1:
            raise ConfigError(f"--batch-size must be at least 1, got {self.batch_size}")
        if self.seed < 0:
            raise ConfigError(f"--seed must be a natural number, got {self.seed}")
        if self.workers < 1 or self.lean_jobs < 1:
            raise ConfigError("--workers and --lean-jobs must be at least 1")

    @property
    def family(self) -> Family:
        """The family these settings choose: calculus or equations if set, else rewrites (its
        module imported only then, `families.choice`)."""
        return chosen_family(self.walk, self.select, self.calculus, self.equation)


@dataclass(frozen=True)
class GenerateSummary:
    """What a run produced."""

    accepted: int
    rejected: int
    batches: int
    out: Path
    disagreements: int = 0  # theorems SymPy contradicts (an unsound rule set): not exported
    refused: int = 0  # steps with a side condition nothing proves (a divisor that can be 0)
    resumed_after: int = 0  # theorems an interrupted run had already written


def manifest(
    config: GenerateConfig, rules: RuleSet, lean_version: str, backend: str = "local"
) -> dict[str, Any]:
    """What produces this folder: `check` finds the rule file in it, and a run is resumed
    only by the same command (`config` hashes every setting that can change the output)."""
    settings = dataclasses.replace(
        config, out=Path("."), force=False, exclude=frozenset(), workers=1
    )
    key = hashlib.sha256(repr(settings).encode())
    for item in sorted(config.exclude):
        key.update(item)
    return {
        "theory": rules.theory.name,
        "rules": str(rules.path.resolve()),
        "seed": config.seed,
        "count": config.count,
        "steps": config.walk.steps,
        "max_size": config.walk.max_size,
        "family": config.family.run_name,
        "batch_size": config.batch_size,
        "lean_version": lean_version,
        "theory_source_hash": rules.theory.source_hash(),
        "backend": backend,
        "config": key.hexdigest()[:16],
    }
