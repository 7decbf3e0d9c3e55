"""The settings of the equation families (`equation`, `system`): the kinds of equations and
their sizes. Apart from the families themselves so that the command line can read their
defaults, and a run of another family hold an `EquationConfig | None`, without importing them."""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.errors import ConfigError

KINDS = ("linear", "both-sides", "rational")


@dataclass(frozen=True)
class EquationConfig:
    """What equations look like."""

    kinds: tuple[str, ...] = KINDS
    min_ops: int = 2
    max_ops: int = 4
    distractions: int = 2  # random rewrites of the sides after the construction
    max_answer: int = 12
    max_numeral: int = 9
    max_size: int = 30
    proofs: int = 1  # 2 or more also keeps the other solution (isolate x, then compute)
    family: str = "equation"  # or "equation-system": two linear equations in x and y

    def __post_init__(self) -> None:
        if self.family not in ("equation", "equation-system"):
            raise ConfigError(f"unknown equation family {self.family!r}")
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown or not self.kinds:
            raise ConfigError(f"equation kinds must be among {', '.join(KINDS)}, got {unknown}")
        if self.min_ops < 1 or self.max_ops < self.min_ops:
            raise ConfigError(f"need 1 <= min ops <= max ops, got {self.min_ops}, {self.max_ops}")
        if self.distractions < 0:
            raise ConfigError(f"distractions must be >= 0, got {self.distractions}")
