"""From a theorem index to a prepared item: everything the kernel and the output need, as data.

Theorem i depends only on the run's seed and i (`walk.theorem_rng`), so items can be prepared in
any process, on any machine, in any order, and put back in index order. Nothing here
deduplicates: `admission` does that in index order, so the output never depends on how the
work was spread. A prepared item carries its Lean theorems and its record without the kernel's
verdict, which `finish` adds. What a theorem is, is its family's business (`families.base`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from rpsdg_formal.dataset.record import TheoremRecord, Verified
from rpsdg_formal.dataset.record_line import record_json
from rpsdg_formal.families.base import Family, Prepared
from rpsdg_formal.kernel.check import Accepted, Verdict
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.theory.rules import RuleSet

__all__ = ["Family", "Prepared", "Preparer", "finish", "finished"]


class Preparer:
    """Prepares items of one run: `preparer(i)` is the work of index i (a pure function of the
    rule set, the family, the seed and i)."""

    def __init__(self, rules: RuleSet, family: Family, seed: int) -> None:
        self.rules, self.family, self.seed = rules, family, seed
        self._draw = family.drawer(rules)  # raises ConfigError if the rules do not fit

    def name(self, index: int) -> str:
        return f"{self.rules.theory.name}_s{self.seed}_n{index}"

    def __call__(self, index: int) -> Prepared:
        return self._draw(self.name(index), index, self.seed)


def finish(
    item: Prepared,
    verdicts: Mapping[str, Verdict],
    lean_version: str,
    lean_files: Mapping[str, str],
) -> dict[str, Any] | None:
    """The JSON record of `item` given the kernel's verdicts (by Lean name), or None if it is
    not verified: its primary theorem (or, for `all_needed`, any theorem) was not accepted.
    Alternative proofs the kernel did not accept are left out."""
    theorems = _theorems(item)
    judged = [verdicts[t.name] for t in theorems]
    done = finished(item, judged, lean_version, lean_files[theorems[0].name])
    return None if done is None else record_json(*done)


def finished(
    item: Prepared, verdicts: Sequence[Verdict], lean_version: str, lean_file: str
) -> tuple[TheoremRecord, Verified] | None:
    """What `finish` writes, as the typed record and the verdict to put in it, given one
    verdict per theorem (in order) and the Lean file of the first: for writing its line
    straight from the record (`dataset.record_line`); None if it is not verified."""
    accepted = accepted_record(item, verdicts, _theorems(item))
    if accepted is None:
        return None
    record, axioms = accepted
    return record, Verified("lean4", lean_version, axioms, lean_file)


def accepted_record(
    item: Prepared, judged: Sequence[Verdict], theorems: Sequence[LeanTheorem] = ()
) -> tuple[TheoremRecord, tuple[str, ...]] | None:
    """`item`'s record with only the alternatives the kernel accepted, and the axioms of its
    verdict, given one verdict per theorem; None if it is not verified (see `finish`)."""
    primary = judged[0]
    if not isinstance(primary, Accepted):
        return None
    record = cast(TheoremRecord, item.record)  # (`_theorems` checked it)
    if item.all_needed:
        if not all(isinstance(v, Accepted) for v in judged):
            return None
        axioms = tuple(sorted({a for v in judged if isinstance(v, Accepted) for a in v.axioms}))
        return record, axioms
    if record.proofs:
        theorems = theorems or item.theorems
        ok = {t.name for t, v in zip(theorems, judged, strict=True) if isinstance(v, Accepted)}
        if any(p.lean_name not in ok for p in record.proofs):  # else `replace` would copy it
            record = replace(record, proofs=tuple(p for p in record.proofs if p.lean_name in ok))
    return record, tuple(primary.axioms)


def _theorems(item: Prepared) -> tuple[LeanTheorem, ...]:
    """The theorems of an item that has a record to finish (ValueError otherwise)."""
    if item.record is None or not item.theorems:
        raise ValueError(f"item {item.index} has no theorem to finish")
    return item.theorems


def first_theorems(preparer: Preparer, count: int) -> list[LeanTheorem]:
    """The first theorem of each prepared item, in index order, until there are `count`: a fixed
    set of theorems for the kernel benchmarks and the soak, without a run around them."""
    out: list[LeanTheorem] = []
    index = 0
    while len(out) < count:
        item = preparer(index)
        index += 1
        if item.error is None and item.theorems:
            out.append(item.theorems[0])
    return out
