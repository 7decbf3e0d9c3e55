"""One name, one lemma, in the proof environment with the real kernel: `sub_add_cancel_left` is
Mathlib's `a - (a + b) = -b` wherever a theory has that lemma and is refused elsewhere; the
equation theory's own rule of that short name (`b + a - b = a`) is reached by its Mathlib
lemma `add_sub_cancel_left` or by its full Lean name."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.env.environment import KernelChecker, ProofEnv
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

pytestmark = pytest.mark.kernel

OWN = "RpsdgFormal.Field.Equation.sub_add_cancel_left"
REFUSED = "'sub_add_cancel_left' is Mathlib's lemma a - (a + b) = -b"


def _env(theory: str, cache: Path, route: str) -> ProofEnv:
    rules = load_rules(rules_path(theory))
    config = KernelConfig(cache_dir=cache, threads=2, route=route)
    return ProofEnv(rules, KernelChecker(prepare_kernel(rules.theory, config), jobs=1))


CASES = [
    # (theory, start, tactic, accepted)
    ("equation", {"statement": "y + x - y = x"}, "rw [add_sub_cancel_left]", True),
    ("equation", {"statement": "y + x - y = x"}, f"rw [{OWN} x y]", True),
    ("equation", {"statement": "y + x - y = x"}, "rw [sub_add_cancel_left]", False),
    ("equation", {"statement": "x - (x + y) = -y"}, "rw [sub_add_cancel_left]", False),
    ("calculus", {"statement": "x - (x + y) = -y"}, "rw [sub_add_cancel_left x y]", True),
    ("calculus", {"statement": "y + x - y = x"}, "rw [sub_add_cancel_left]", False),
    ("field", {"statement": "x * x⁻¹ = 1", "variables": ["x"]}, "rw [mul_inv_cancel]", False),
]
FORWARD = {"hypotheses": ["y + x - y = 3"], "goal": "x = 3", "variables": ["x", "y"]}


@pytest.mark.parametrize("route", ["direct", "lean"])
def test_a_lemma_name_means_the_lemma_mathlib_states(
    kernel_cache: Path, equation_cache: Path, calculus_cache: Path, route: str
) -> None:
    for theory, start, tactic, accepted in CASES:
        env = _env(theory, kernel_cache, route)
        env.reset(start)
        result = env.step(tactic)
        assert result.valid is accepted and env.done is accepted, (theory, tactic, result)
        assert env.checker.checked == (1 if accepted else 0)  # the kernel judged the step
        if not accepted and "sub_add_cancel_left" in tactic and theory == "equation":
            assert result.message.startswith(REFUSED) and OWN in result.message


def test_forward_steps_read_the_name_the_same_way(equation_cache: Path, kernel_cache: Path) -> None:
    for name, accepted in (("add_sub_cancel_left", True), (f"{OWN} x y", True),
                           ("sub_add_cancel_left", False)):  # fmt: skip
        env = _env("equation", kernel_cache, "direct")
        env.reset(FORWARD)
        result = env.step(f"have h1 : x = 3 := by rw [{name}] at h0; exact h0")
        assert result.valid is accepted, (name, result)
        assert accepted or result.message.startswith(REFUSED)
