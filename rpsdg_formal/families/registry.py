"""The theorem families, by name: the one place that lists them.

A new family is one module with a `Family` object and one line in `FAMILIES`. Everything that
reads a record (`check`, `export`, the proof environment) finds its family here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import ConfigError, RecordError
from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily


class Registry:
    """Families by registered name, and by the `family` values of the records they read."""

    def __init__(self, families: Iterable[Family]) -> None:
        self._named: dict[str, Family] = {}
        self._by_record: dict[str, Family] = {}
        for family in families:
            if family.name in self._named:
                raise ConfigError(f"two families are named {family.name!r}")
            self._named[family.name] = family
            for record_name in family.record_names:
                if record_name in self._by_record:
                    raise ConfigError(f"two families read {record_name!r} records")
                self._by_record[record_name] = family

    def names(self) -> tuple[str, ...]:
        return tuple(self._named)

    def named(self, name: str) -> Family:
        try:
            return self._named[name]
        except KeyError:
            raise ConfigError(
                f"no theorem family {name!r}; there are {', '.join(self._named)}"
            ) from None

    def reading(self, record_family: str) -> Family:
        """The family that reads records whose `family` field is `record_family` (RecordError
        naming the field if none does)."""
        family = self._by_record.get(record_family)
        if family is None:
            known = ", ".join(sorted(self._by_record))
            raise RecordError("family", f"{record_family!r} is none of {known}")
        return family

    def for_record(self, record: TheoremRecord) -> Family:
        """The family that reads `record`."""
        return self.reading(record.family_name)


FAMILIES: tuple[Family, ...] = (
    RewriteFamily(),
    CalculusFamily(),
    EquationFamily(),
    SystemFamily(),
)

REGISTRY = Registry(FAMILIES)


def family_of(record: TheoremRecord) -> Family:
    """The registered family of `record`."""
    return REGISTRY.for_record(record)
