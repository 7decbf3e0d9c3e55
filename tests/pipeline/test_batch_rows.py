"""What a settled batch writes is the same on both routes: the records a worker serialised (a
judged item, its line in UTF-8 around the Lean file's gap) are byte for byte the records the
parent makes from the prepared item and the same verdicts, and so are the rejected rows, for
every pattern of accepted and rejected theorems. The verdicts are given here, not the kernel's:
these tests are about what is written for a verdict, not about checking."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.kernel.check import Accepted, Rejected, Verdict
from rpsdg_formal.kernel.faults import Settled
from rpsdg_formal.pipeline.admission import KEY_BYTES, short_key
from rpsdg_formal.pipeline.batch_rows import Item, batch_rows
from rpsdg_formal.pipeline.judged import judged
from rpsdg_formal.pipeline.outputs import packed_keys
from rpsdg_formal.pipeline.prepare import Prepared, Preparer
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet

VERSION = "4.35.0"
OK = Accepted(("RpsdgFormal.Field.add_comm",))
NO = Rejected("kernel-error", ("type mismatch",))


def _items(rules: RuleSet, proofs: int) -> list[Prepared]:
    """Prepared items with theorems (some with alternative proofs when `proofs` > 1)."""
    preparer = Preparer(rules, RewriteFamily(WalkConfig(steps=5), SelectConfig(proofs=proofs)), 7)
    drawn = (preparer(i) for i in itertools.count())
    usable = (p for p in drawn if p.key is not None and p.error is None)
    return list(itertools.islice(usable, 12))


def _settled(items: list[Prepared], pattern: list[Verdict]) -> Settled:
    """Verdicts cycling through `pattern`, each theorem in a file of its half of the batch."""
    names = [t.name for item in items for t in item.theorems]
    verdicts = dict(zip(names, itertools.cycle(pattern)))
    files = {name: f"batch_0000{k * 2 // len(names)}.lean" for k, name in enumerate(names)}
    return Settled(verdicts, files)


@pytest.mark.parametrize("proofs", [1, 3])
@pytest.mark.parametrize("pattern", [[OK], [NO], [OK, NO], [NO, OK, OK], [OK, OK, NO]])
@pytest.mark.parametrize("room", [100, 3])
def test_judged_items_write_what_prepared_items_write(
    field_rules: RuleSet, proofs: int, pattern: list[Verdict], room: int
) -> None:
    items = _items(field_rules, proofs)
    settled = _settled(items, pattern)
    as_judged: list[Item] = [
        judged(item, [settled.verdicts[t.name] for t in item.theorems], VERSION) for item in items
    ]
    mine = batch_rows(as_judged, settled, room, VERSION)
    theirs = batch_rows(list(items), settled, room, VERSION)
    assert mine == theirs
    assert all(isinstance(line, bytes) and line.endswith(b"\n") for line in mine[0])
    accepted = sum(isinstance(settled.verdicts[i.theorems[0].name], Accepted) for i in items)
    assert len(mine[0]) == min(room, accepted)
    rejected = sum(isinstance(v, Rejected) for v in settled.verdicts.values())
    assert len(mine[1]) == rejected
    assert rejected > 0 or NO not in pattern
    if proofs > 1:
        assert any(len(i.theorems) > 1 for i in items)  # alternatives were exercised


@given(st.lists(st.binary(max_size=3 * KEY_BYTES), max_size=20))
def test_packed_keys_are_the_short_keys_in_little_endian(keys: list[bytes]) -> None:
    items = [Prepared(index, key) for index, key in enumerate(keys)]
    expected = b"".join(short_key(k).to_bytes(KEY_BYTES, "little") for k in keys)
    assert packed_keys(items) == expected
