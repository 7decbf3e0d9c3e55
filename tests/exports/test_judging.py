"""The one judge of wrong steps (real kernel): identical offers are checked once, each offer
gets its own verdict, and a rejection Lean reported no words for (it stops after 100 errors in
a file; or only its notice that it stopped) is checked again alone: no −1 carries an empty
or a borrowed message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rpsdg_formal.dataset.negative import REJECTED, VALID
from rpsdg_formal.exports import judging
from rpsdg_formal.exports.judging import judge_theorems
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.emit import LeanTheorem

pytestmark = pytest.mark.kernel


def _unknown(i: int) -> LeanTheorem:
    """A theorem Lean rejects with two errors: `Unknown identifier wrong<i>` and an internal
    exception (the embedded Lean has no error recovery without Init)."""
    return LeanTheorem("neg", "∀ (x : R), Eq x x", f"fun x => wrong{i}")


def test_every_rejection_carries_leans_words_about_that_step(
    field_kernel: Kernel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 60 offers in one file: 120 errors, past Lean's limit of 100, so the last ones come back
    # from the batch without a message, and the judge checks each of them again alone
    offers = [_unknown(i) for i in range(60)]
    monkeypatch.setattr(judging, "BATCH", 60)
    true = LeanTheorem("neg", "∀ (x : R), Eq x x", "fun x => Eq.refl x")
    judged = judge_theorems([*offers, true, offers[3], true], field_kernel, tmp_path / "neg.lean")
    for i, judgement in enumerate(judged[:60]):
        assert judgement.label == REJECTED
        assert re.search(rf"Unknown identifier `wrong{i}`$", judgement.message), judgement
    assert [j.label for j in judged[60:]] == [VALID, REJECTED, VALID]
    assert judged[61] == judged[3] and judged[62].message == ""
    # the silent ones were checked once more, alone, in files named after them
    alone = [int(p.stem.rsplit("_", 1)[1]) for p in tmp_path.glob("neg_neg_*.lean")]
    assert alone and all(40 <= i < 60 for i in alone), alone
