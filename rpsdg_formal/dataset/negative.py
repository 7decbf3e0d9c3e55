"""The judged wrong step, typed: one `NegativeRow` per line of an export's `negatives.jsonl`.

`exports.negatives` builds the rows (a plausible wrong step and the kernel's verdict on it);
the export's tables, its DPO and stepwise formats, its dataset card and the proof environment's
replay read them. `from_json` and `to_json` walk one schema table (`dataset.schema`), and
`to_json(from_json(line))` gives the line back byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rpsdg_formal.dataset.schema import Field, Typed, choice, natural, text
from rpsdg_formal.kernel.proofspec import Offer

KINDS = (
    "wrong-position",
    "wrong-instantiation",
    "wrong-direction",
    "missing-rule",
    "mutated-rule",
)
"""The kinds of wrong step, in the order `exports.wrong_steps` lists them."""

FORWARD_KINDS = ("one-side", "nonzero", "arithmetic", "cancellation", "wrong-hypothesis")
"""The kinds of wrong forward step of equation and system proofs (`exports.equation_negatives`)."""

REJECTED, VALID = -1, 1
"""The labels: the kernel rejected the step, or accepted it (a valid step after all)."""


@dataclass(frozen=True)
class NegativeRow(Typed):
    """A wrong step offered at step `step` of proof `proof` (0 is the record's own) of theorem
    `theorem`: its kind, the goal state it starts from (as the `steps` table shows it) and the
    goal or equation it claims (Lean's display), the wrong tactic described and as the proof
    environment's action (`tactic`), and the kernel's verdict (`label`; Lean's first error
    message when rejected, else "").

    `offer` is the proof offered, as data (the direct kernel route checks it); it lives in
    memory only: `to_json` does not write it and `from_json` leaves it None. `FIELDS` is the
    JSON schema, both ways (`dataset.schema.Typed`).
    """

    theorem: str
    proof: int
    step: int
    kind: str
    state_before: str
    claimed_after: str
    description: str
    tactic: str
    label: int
    kernel_message: str
    offer: Offer | None = field(default=None, compare=False)

    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("theorem", text),
        Field("proof", natural),
        Field("step", natural),
        Field("kind", choice(*KINDS, *FORWARD_KINDS)),
        Field("state_before", text),
        Field("claimed_after", text),
        Field("description", text),
        Field("tactic", text),
        Field("label", choice(REJECTED, VALID)),
        Field("kernel_message", text),
    )

    @property
    def rejected(self) -> bool:
        """Did the kernel reject the step (a true negative)?"""
        return self.label == REJECTED
