"""Does a record say only what its steps prove? Every derived field, re-derived and compared.

A record's family replays its steps (rebuilding the certificates) and then writes the record
it would have written for that replay (`Family.derive`); any field that differs is refused,
named by its path (`statement`, `solution.2.explanation`, `steps.3.lean`). What no replay can
re-derive (seed, index, the bound search) is taken as recorded; the verdict's kernel and Lean
version are compared with the kernel at hand, its axioms with the kernel's verdict (`axioms`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from rpsdg_formal.dataset.record import Json, TheoremRecord
from rpsdg_formal.errors import RecordError
from rpsdg_formal.families.base import Family, Replayed
from rpsdg_formal.families.registry import family_of
from rpsdg_formal.kernel.check import Accepted
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class Checked:
    """A record whose fields all match its replay, ready for the kernel."""

    record: TheoremRecord
    family: Family
    replayed: Replayed

    @property
    def id(self) -> str:
        return self.record.id


def first_difference(recorded: Json, derived: Json, path: str = "") -> str | None:
    """The path of the first place where two JSON values differ (None if they are equal);
    a field missing on one side counts as a difference."""
    if isinstance(recorded, dict) and isinstance(derived, dict):
        for key in [*derived, *(k for k in recorded if k not in derived)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in recorded or key not in derived:
                return where
            found = first_difference(recorded[key], derived[key], where)
            if found is not None:
                return found
        return None
    if isinstance(recorded, list) and isinstance(derived, list):
        for number, (a, b) in enumerate(zip(recorded, derived, strict=False), 1):
            found = first_difference(a, b, f"{path}.{number}")
            if found is not None:
                return found
        return None if len(recorded) == len(derived) else path
    same = recorded == derived and type(recorded) is type(derived)
    return None if same else path or "record"


def _verdict(record: TheoremRecord, lean_version: str) -> None:
    verified = record.verified
    if verified.kernel != "lean4":
        raise RecordError("verified.kernel", f"{verified.kernel!r} is not lean4")
    if verified.lean_version != lean_version:
        raise RecordError(
            "verified.lean_version",
            f"{verified.lean_version!r}, but this kernel is Lean {lean_version}",
        )
    file = PurePosixPath(verified.lean_file)
    if file.is_absolute() or ".." in file.parts or file.suffix != ".lean":
        raise RecordError("verified.lean_file", "must be a .lean file inside the dataset")


def check_record(record: TheoremRecord, rules: RuleSet, lean_version: str) -> Checked:
    """Replay `record` and compare each of its fields with the ones its family derives from
    the replay; raises RewriteError (RecordError naming the field) on the first difference."""
    family = family_of(record)
    replayed = family.replay(record, rules)
    derived = family.derive(replayed, record, rules)
    field = first_difference(record.to_json(), derived.to_json())
    if field is not None:
        raise RecordError(field, "differs from the one derived from the record's steps")
    _verdict(record, lean_version)
    return Checked(record, family, replayed)


def axioms_mismatch(checked: Checked, verdicts: Sequence[Accepted]) -> str | None:
    """Why the recorded axioms are not the kernel's (`verdicts`: one per proof, primary first),
    or None: a family that needs every theorem lists them all, the others the primary's."""
    if checked.family.all_needed:
        axioms = tuple(sorted({a for v in verdicts for a in v.axioms}))
    else:
        axioms = tuple(verdicts[0].axioms)
    if checked.record.verified.axioms == axioms:
        return None
    error = RecordError("verified.axioms", f"the kernel lists {list(axioms) or 'none'}")
    return str(error)
