"""Scale: the output does not depend on how many processes prepare theorems, and the set of
statements taken stays exact and compact however it grows."""

from __future__ import annotations

import random
from pathlib import Path

from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.pipeline.admission import Admission, KeySet, short_key
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.prepare import Prepared
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet


def test_the_output_does_not_depend_on_the_number_of_workers(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    outputs = []
    for workers in (1, 2):
        config = GenerateConfig(
            count=40,
            seed=6,
            out=tmp_path / f"w{workers}",
            walk=WalkConfig(steps=4),
            batch_size=15,
            workers=workers,
            lean_jobs=2,
        )
        summary = generate(field_rules, config, field_kernel, show_progress=False)
        assert summary.accepted == 40
        files = sorted((config.out / "lean").glob("*.lean"))
        outputs.append(
            [
                (config.out / "theorems.jsonl").read_bytes(),
                (config.out / "keys.bin").read_bytes(),
                [(p.name, p.read_bytes()) for p in files],
            ]
        )
    assert outputs[0] == outputs[1]


def test_the_key_set_is_exact_across_merges() -> None:
    rng = random.Random(3)
    keys = [rng.getrandbits(64) for _ in range(20_000)]
    seen = KeySet()
    for key in keys[:10_000]:
        seen.add(key)
        seen.add(key)  # adding twice keeps one
    assert len(seen) == 10_000
    assert all(k in seen for k in keys[:10_000])
    assert not any(k in seen for k in keys[10_000:])
    packed = b"".join(k.to_bytes(8, "little") for k in keys[:10_000])
    again = KeySet.from_bytes(packed + b"\x01\x02")  # a torn last key is ignored
    assert len(again) == 10_000 and all(k in again for k in keys[:10_000])


def test_admission_takes_the_first_of_each_statement_within_its_quota() -> None:
    def item(index: int, key: bytes, bucket: int) -> Prepared:
        return Prepared(index, key, bucket)

    admission = Admission(KeySet([short_key(b"excluded")]), room={2: 1, 3: 2})
    taken = [
        admission.admit(item(0, b"a" * 16, 2)),
        admission.admit(item(1, b"a" * 16, 3)),  # the same statement again
        admission.admit(item(2, b"b" * 16, 2)),  # bound 2 has no room left
        admission.admit(item(3, b"excluded", 3)),  # in an excluded dataset
        admission.admit(item(4, b"c" * 16, 3)),
        admission.admit(Prepared(5)),  # the index drew nothing
        admission.admit(item(6, b"b" * 16, 3)),  # refused for room before, so not seen
    ]
    assert taken == [True, False, False, False, True, False, True]
    assert admission.room == {2: 0, 3: 0}
