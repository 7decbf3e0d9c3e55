"""The process's shared direct-route pool (kernel/shared.py): `check_theorems` routes theorems
with a spec to it and the others to `lean`, it outlives the threads that use it, and
`--kernel lean` (route "lean") never starts it."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from rpsdg_formal.kernel import shared
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_theorems
from rpsdg_formal.kernel.emit import LeanTheorem, theorem
from rpsdg_formal.rewriting.steps import apply_step
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.rules import RuleSet

pytestmark = pytest.mark.kernel


def _theorems(rules: RuleSet) -> list[LeanTheorem]:
    rule = next(r for r in rules.rules if r.name == "mul_comm")
    start = parse_expr("x * y + z", rules.theory.signature)
    step = apply_step(
        start,
        rule,
        False,
        (0,),
        {
            "a": parse_expr("x", rules.theory.signature),
            "b": parse_expr("y", rules.theory.signature),
        },
    )
    good = theorem("t_spec", ["x", "y", "z"], start, [step], rules.theory)
    bad_text = LeanTheorem("t_text", "∀ (x y : R), Eq x y", "fun x y => Eq.refl x")
    return [good, bad_text]


def _pids() -> list[int]:
    pools = [p for p in shared._pools.values() if p is not None]
    return [pid for p in pools for pid in p.pids()]


def test_the_pool_serves_spec_theorems_and_outlives_its_threads(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    shared.close_all()
    kernel = dataclasses.replace(
        field_kernel, config=dataclasses.replace(field_kernel.config, route="direct")
    )
    theorems = _theorems(field_rules)
    found: list[list[object]] = []
    thread = threading.Thread(
        target=lambda: found.append(list(check_theorems(kernel, theorems, tmp_path / "a.lean")))
    )
    thread.start()
    thread.join()
    good, text = found[0]
    assert isinstance(good, Accepted) and isinstance(text, Rejected)
    assert not text.messages[0].startswith("kernel exception")  # through `lean`
    first = _pids()
    assert first
    again = check_theorems(kernel, theorems, tmp_path / "a.lean")  # the first thread is gone
    assert again == [good, text] and _pids() == first
    shared.close_all()
    lean = dataclasses.replace(kernel, config=dataclasses.replace(kernel.config, route="lean"))
    by_lean = check_theorems(lean, theorems, tmp_path / "a.lean")
    assert by_lean[0] == good and isinstance(by_lean[1], Rejected)
    assert _pids() == []
