"""What a theorem family is: one protocol for drawing, building, replaying and re-deriving.

A family (rewrite walks, integration problems, equations, systems of equations) is one module
with one object satisfying `Family`, registered by name in `families.registry`. The pipeline
prepares theorems through `Family.drawer`; `check`, `export` and the proof environment read
records through `Family.replay`; `check` refuses any record field that differs from the one
`Family.derive` rebuilds from the replay. Nothing outside a family's module knows its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeAlias

from rpsdg_formal.dataset.record import TheoremRecord
from rpsdg_formal.errors import RecordError
from rpsdg_formal.families.records import Candidate
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.theory.rules import RuleSet

if TYPE_CHECKING:  # the equation families' modules are imported by the runs that use them
    from rpsdg_formal.families.equation_records import EquationCandidate

Replayed: TypeAlias = "Candidate | EquationCandidate"
"""A record rebuilt from its steps: a chain of rewrites (`Candidate`, whose proofs each prove
`start = end`) or equation proofs reasoning forward from hypotheses (`EquationCandidate`). An
annotation only (a string at run time)."""


@dataclass(frozen=True, eq=False)
class Prepared:
    """The work of one index. `key` is None when the index drew nothing usable. Otherwise
    either `error` is a row for rejected.jsonl (SymPy disagrees, a side condition nothing
    proves), or `theorems` (primary first) and `record` (without the verdict) make a theorem."""

    index: int
    key: bytes | None = None  # expr.statement_key: equal for the same statement
    bucket: int = 0  # certified lower bound on proof length (for --difficulty quotas)
    theorems: tuple[LeanTheorem, ...] = ()
    record: TheoremRecord | None = None
    all_needed: bool = False  # the record needs every theorem accepted (else the first)
    error: Mapping[str, Any] | None = None


def error_row(name: str, reason: str, message: str) -> dict[str, Any]:
    """A row of rejected.jsonl for a theorem refused before the kernel saw it."""
    return {"id": name, "reason": reason, "messages": [message]}


Drawer = Callable[[str, int, int], Prepared]
"""`drawer(id, index, seed)`: the prepared work of one index (a pure function of its inputs)."""


class Family(Protocol):
    """A kind of theorem, with the settings that shape its draws.

    `name` is its registered name; `run_name` what a run's manifest and records call it
    (`by-parts` for the calculus family so configured); `record_names` the values of a record's
    `family` field it reads (`rewrite` stands for a record without the field).
    """

    @property
    def name(self) -> str: ...

    @property
    def run_name(self) -> str: ...

    @property
    def record_names(self) -> tuple[str, ...]: ...

    @property
    def all_needed(self) -> bool:
        """Must every theorem of a record be accepted (else only the primary one)?"""
        ...

    @property
    def chain(self) -> bool:
        """Are its theorems chains of rewrites `start = end` (`Candidate`), which the proof
        environment and the wrong-step export take?"""
        ...

    def drawer(self, rules: RuleSet) -> Drawer:
        """Prepare to draw theorems from `rules` (ConfigError if they lack what it needs)."""
        ...

    def replay(self, record: TheoremRecord, rules: RuleSet) -> Replayed:
        """Rebuild the record's theorems from its steps (RewriteError on any mismatch)."""
        ...

    def derive(self, replayed: Replayed, record: TheoremRecord, rules: RuleSet) -> TheoremRecord:
        """The record this family writes for `replayed`, taking from `record` only what no
        replay can re-derive (seed, index, the bound search, the verdict)."""
        ...


class FamilyDefaults:
    """What most families share: a chain of rewrites (`chain`) of which only the primary
    theorem must be accepted (`all_needed`), run and read under its registered `name`."""

    name: ClassVar[str]
    chain: ClassVar[bool] = True
    all_needed: ClassVar[bool] = False

    @property
    def run_name(self) -> str:
        return self.name

    @property
    def record_names(self) -> tuple[str, ...]:
        return (self.name,)


def rebuilt(
    record: TheoremRecord, build: Callable[[Sequence[str], str, str, int], TheoremRecord]
) -> TheoremRecord:
    """The record `build(axioms, lean_version, lean_file, seed)` makes with `record`'s verdict
    and seed, carrying `record`'s seed and index as they are: what `Family.derive` takes from
    the record it re-derives."""
    verified = record.verified
    made = build(verified.axioms, verified.lean_version, verified.lean_file, record.seed or 0)
    return replace(made, seed=record.seed, index=record.index)


def kept_wordings(
    derived: TheoremRecord, record: TheoremRecord, earlier: Mapping[str, str]
) -> TheoremRecord:
    """`derived` with each field named in `earlier` worded as `record` words it, when that is
    the field's earlier wording: `check` accepts records written before a wording changed (and
    refuses any other text, which matches neither)."""
    recorded, made = record.to_json(), derived.to_json()
    kept = {k: text for k, text in earlier.items() if recorded.get(k) == text and k in made}
    if not kept:
        return derived
    return TheoremRecord.from_json({**made, **kept})


def expect_rewrite(replayed: Replayed) -> Candidate:
    """`replayed` as a chain of rewrites (RecordError when a record of another family
    was handed to a family of rewrite chains)."""
    if not isinstance(replayed, Candidate):
        raise RecordError("family", "an equation record replayed as a chain of rewrites")
    return replayed


def expect_equations(replayed: Replayed) -> EquationCandidate:
    """`replayed` as equation proofs (RecordError otherwise)."""
    from rpsdg_formal.families.equation_records import EquationCandidate

    if not isinstance(replayed, EquationCandidate):
        raise RecordError("family", "a chain of rewrites replayed as an equation record")
    return replayed
