"""From a theorem index to a prepared item: everything the kernel and the output need, as data.

Theorem i depends only on the run's seed and i (`walk.theorem_rng`), so items can be prepared in
any process, on any machine, in any order, and put back in index order. Nothing here
deduplicates: `admission` does that in index order, so the output never depends on how the
work was spread. A prepared item carries its Lean theorems and its record without the kernel's
verdict, which `finish` adds. What a theorem is, is its family's business (`families.base`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rpsdg_formal.dataset.record import TheoremRecord, Verified
from rpsdg_formal.dataset.record_line import record_json, record_line
from rpsdg_formal.families.base import Family, Prepared
from rpsdg_formal.kernel.check import Accepted, Verdict
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.theory.rules import RuleSet

__all__ = ["Family", "Prepared", "Preparer", "finish", "finish_line"]


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
    verified = verified_record(item, verdicts, lean_version, lean_files)
    return None if verified is None else record_json(*verified)


def finish_line(
    item: Prepared,
    verdicts: Mapping[str, Verdict],
    lean_version: str,
    lean_files: Mapping[str, str],
) -> str | None:
    """`finish`'s record as its line of theorems.jsonl (`json.dumps(..., ensure_ascii=False)`
    of it, without the newline), written straight from the typed record (`record_line`)."""
    verified = verified_record(item, verdicts, lean_version, lean_files)
    return None if verified is None else record_line(*verified)


def verified_record(
    item: Prepared,
    verdicts: Mapping[str, Verdict],
    lean_version: str,
    lean_files: Mapping[str, str],
) -> tuple[TheoremRecord, Verified] | None:
    """`item`'s record with only the alternatives the kernel accepted, and the verdict to put
    in it; None if it is not verified (see `finish`)."""
    if item.record is None or not item.theorems:
        raise ValueError(f"item {item.index} has no theorem to finish")
    judged = [verdicts[t.name] for t in item.theorems]
    needed = judged if item.all_needed else judged[:1]
    primary = judged[0]
    if not all(isinstance(v, Accepted) for v in needed) or not isinstance(primary, Accepted):
        return None
    record = item.record
    if item.all_needed:
        axioms = tuple(sorted({a for v in judged if isinstance(v, Accepted) for a in v.axioms}))
    else:
        axioms = tuple(primary.axioms)
        ok = {t.name for t, v in zip(item.theorems, judged, strict=True) if isinstance(v, Accepted)}
        if any(p.lean_name not in ok for p in record.proofs):  # else `replace` would copy it
            record = replace(record, proofs=tuple(p for p in record.proofs if p.lean_name in ok))
    return record, Verified("lean4", lean_version, axioms, lean_files[item.theorems[0].name])


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
