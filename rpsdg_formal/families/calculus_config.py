"""The settings of the calculus families (`calculus`): which family, and what the random
functions F are made of. Apart from the families themselves so that the command line can read
their defaults, and a run of another family hold a `CalculusConfig | None`, without importing
them."""

from __future__ import annotations

from dataclasses import dataclass

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.terms.sample import ExprShape

FAMILIES = ("antiderivative", "by-parts")

DEFAULT_UNARY = ("exp", "sin", "cos", "log", "pow2", "pow3", "neg")
DEFAULT_BINARY = ("add", "sub", "mul", "div")


@dataclass(frozen=True)
class CalculusConfig:
    """What random functions look like, and which family of problems to make."""

    family: str = "antiderivative"
    unary: tuple[str, ...] = DEFAULT_UNARY  # repeat a name to weight it
    binary: tuple[str, ...] = DEFAULT_BINARY
    numerals: tuple[int, ...] = (1, 2, 3, 4, 5)
    numeral_probability: float = 0.3
    min_ops: int = 1
    max_ops: int = 4
    max_size: int = 60  # a derivative larger than this (in nodes) is not kept

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ConfigError(f"--family must be one of {', '.join(FAMILIES)}, got {self.family!r}")
        if self.min_ops < 1 or self.max_ops < self.min_ops:
            raise ConfigError(
                f"need 1 <= min ops <= max ops, got {self.min_ops} and {self.max_ops}"
            )

    def shape(self, min_ops: int, max_ops: int) -> ExprShape:
        return ExprShape(
            unary=self.unary,
            binary=self.binary,
            variables=("x",),
            numerals=self.numerals,
            numeral_probability=self.numeral_probability,
            min_ops=min_ops,
            max_ops=max_ops,
        )
