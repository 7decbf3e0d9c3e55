"""The direct kernel route against the real Lean kernel: parity with `lean` on every family,
the rejection cases, no declaration but a theorem ever sent, a crashed worker, the fallback."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rpsdg_formal.families.base import Family
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.calculus_family import CalculusFamily
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.equation_family import EquationFamily
from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.families.system_family import SystemFamily
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_text, prepare_kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.pool import DirectUnavailable, KernelPool
from rpsdg_formal.kernel.proofspec import ChainSpec, PackedSpec
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.pipeline.prepare import Preparer
from rpsdg_formal.rewriting.steps import Step
from rpsdg_formal.terms.expr import app
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules

pytestmark = pytest.mark.kernel
ROOT = Path(__file__).resolve().parents[2]
FAMILIES = {
    "field": ("field", RewriteFamily()),
    "calculus": ("calculus", CalculusFamily(CalculusConfig())),
    "equation": ("equation", EquationFamily(EquationConfig())),
    "equation-system": ("equation", SystemFamily(EquationConfig(family="equation-system"))),
}


def _theorems(rules: RuleSet, family: Family, count: int, seed: int = 5) -> list[LeanTheorem]:
    """Every theorem (alternative proofs too) of the first items of a run, as `generate`
    would check them."""
    preparer = Preparer(rules, family, seed)
    out: list[LeanTheorem] = []
    index = 0
    while len(out) < count:
        item = preparer(index)
        index += 1
        if item.error is None:
            out.extend(item.theorems)
    return out


def _setup(kernel: Kernel) -> DirectSetup:
    return DirectSetup(kernel.theory, Path(kernel.runner.env["LEAN_PATH"]), embedded_library())


@pytest.fixture(scope="module")
def kernels(kernel_cache: Path) -> dict[str, tuple[RuleSet, Kernel]]:
    out = {}
    for theory in ("field", "calculus", "equation"):
        rules = load_rules(rules_path(theory))
        out[theory] = (
            rules,
            prepare_kernel(rules.theory, KernelConfig(cache_dir=kernel_cache, threads=2)),
        )
    return out


@pytest.fixture(scope="module")
def field_pool(kernels: dict[str, tuple[RuleSet, Kernel]]) -> Iterator[KernelPool]:
    with KernelPool(_setup(kernels["field"][1]), workers=2) as pool:
        yield pool


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_verdicts_and_axioms_as_lean_on_every_family(
    family: str, kernels: dict[str, tuple[RuleSet, Kernel]], tmp_path: Path
) -> None:
    theory, shape = FAMILIES[family]
    rules, kernel = kernels[theory]
    theorems = _theorems(rules, shape, 40)
    with KernelPool(_setup(kernel), workers=2) as pool:
        direct = pool.check(theorems)
    lean = check_text(kernel, theorems, tmp_path / "parity.lean")
    assert len(direct) == len(lean) == len(theorems)
    assert all(isinstance(v, Accepted) for v in lean)
    assert direct == lean  # verdicts, and axioms in `#print axioms` order


def _corrupt(step: Step) -> Step:
    """The step with a wrong rule instance: its first argument wrapped in `neg`."""
    (name, value), *rest = step.substitution
    return dataclasses.replace(step, substitution=((name, app("neg", value)), *rest))


def test_a_wrong_rule_instance_is_rejected_as_an_application_type_mismatch(
    field_pool: KernelPool, kernels: dict[str, tuple[RuleSet, Kernel]]
) -> None:
    rules, _ = kernels["field"]
    bad = []
    for thm in _theorems(rules, RewriteFamily(), 30, seed=9):
        spec = thm.origin
        assert spec is not None and hasattr(spec, "steps")
        k = next((i for i, s in enumerate(spec.steps) if s.substitution), None)
        if k is None:
            continue
        steps = list(spec.steps)  # type: ignore[union-attr]
        steps[k] = _corrupt(steps[k])
        bad_spec = dataclasses.replace(spec, steps=tuple(steps))
        bad.append(dataclasses.replace(thm, origin=bad_spec))
    verdicts = field_pool.check(bad)
    assert len(bad) >= 20
    assert all(isinstance(v, Rejected) for v in verdicts)
    assert all("appTypeMismatch" in v.messages[0] for v in verdicts if isinstance(v, Rejected))
    # Lean's own words, the expressions by its raw printer (`pp.raw`), not the delaborator's
    # pretty form (which would write `∀` and leave out the universe level of `Eq`)
    first = verdicts[0]
    assert isinstance(first, Rejected) and "application type mismatch" in first.messages[0]
    assert "RpsdgFormal.Eq.{1}" in first.messages[0] and "∀" not in first.messages[0]


def test_a_wrong_statement_and_a_name_clash_are_rejected(
    field_pool: KernelPool, kernels: dict[str, tuple[RuleSet, Kernel]]
) -> None:
    rules, _ = kernels["field"]
    good = _theorems(rules, RewriteFamily(), 2, seed=11)[0]
    spec = good.origin
    assert spec is not None and hasattr(spec, "start")
    wrong = dataclasses.replace(spec, start=app("neg", spec.start))  # type: ignore[call-arg]
    clash = dataclasses.replace(spec, name="RpsdgFormal.Field.add_comm")
    verdicts = field_pool.check(
        [
            good,
            dataclasses.replace(good, origin=wrong),
            dataclasses.replace(good, name=clash.name, origin=clash),
        ]
    )
    assert isinstance(verdicts[0], Accepted)
    assert isinstance(verdicts[1], Rejected) and "declTypeMismatch" in verdicts[1].messages[0]
    assert isinstance(verdicts[2], Rejected) and "alreadyDeclared" in verdicts[2].messages[0]


def test_hand_built_bad_terms_are_rejected_and_only_theorems_are_ever_sent(
    kernels: dict[str, tuple[RuleSet, Kernel]],
) -> None:
    """In a child process: a wrong statement, a loose bound variable, an unknown constant and
    a non-Prop type each come back as the kernel exception of that kind; and every one of the
    205 declarations sent (these and 200 walk theorems) is a `thmDecl`."""
    _, kernel = kernels["field"]
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("direct_probe.py")),
            str(rules_path("field")),
            kernel.runner.env["LEAN_PATH"],
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    verdicts = report["verdicts"]
    assert "declTypeMismatch" in verdicts["wrong statement"]
    assert "loose bound variables" in verdicts["loose bound variable"]
    assert "unknownConstant" in verdicts["unknown constant"]
    assert "thmTypeIsNotProp" in verdicts["non-Prop type"]
    assert verdicts["good"].startswith("Accepted")
    assert report["sent"] == 205
    assert report["declaration_kinds"] == [2]  # Declaration.thmDecl, nothing else


def test_no_code_can_build_another_kind_of_declaration() -> None:
    """The bindings expose no axiom (or definition) constructor, and the one `Declaration`
    the package builds is constructor 2, `thmDecl`."""
    package = ROOT / "rpsdg_formal" / "kernel"
    text = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    for forbidden in ("mk_axiom_val", "mk_definition_val", "mk_opaque_val", "without_checking"):
        assert forbidden not in text
    assert text.count("rt.ctor(2, [theorem])") == 1
    assert "lean_mk_theorem_val" in text


def test_a_crashed_worker_is_restarted_and_its_batch_rechecked(
    kernels: dict[str, tuple[RuleSet, Kernel]],
) -> None:
    rules, kernel = kernels["field"]
    theorems = _theorems(rules, RewriteFamily(), 30, seed=13)
    with KernelPool(_setup(kernel), workers=1) as pool:
        expected = pool.check(theorems)
        before = pool.pids()[0]
        pending = pool.submit(theorems)
        os.kill(before, signal.SIGKILL)
        again = pending.wait()
        after = pool.pids()[0]
        assert after != before
        assert again == expected
        assert pool.check(theorems[:3]) == expected[:3]  # the new worker goes on working


def test_a_worker_that_fails_its_self_test_is_not_used(
    kernels: dict[str, tuple[RuleSet, Kernel]], tmp_path: Path
) -> None:
    _, kernel = kernels["field"]
    broken = dataclasses.replace(_setup(kernel), lean_path=tmp_path)  # no compiled theory
    with pytest.raises(DirectUnavailable, match="self-test"):
        KernelPool(broken, workers=1)


def test_packed_specs_get_the_verdicts_of_the_specs_they_pack(
    field_pool: KernelPool, kernels: dict[str, tuple[RuleSet, Kernel]]
) -> None:
    """`generate` forwards specs packed by the preparing workers (`PackedSpec`)."""
    rules, _ = kernels["field"]
    theorems = _theorems(rules, RewriteFamily(), 12, seed=4)
    spec = theorems[0].origin
    assert isinstance(spec, ChainSpec)
    k = next(i for i, s in enumerate(spec.steps) if s.substitution)
    steps = [*spec.steps[:k], _corrupt(spec.steps[k]), *spec.steps[k + 1 :]]
    theorems.append(dataclasses.replace(theorems[0], origin=dataclasses.replace(spec, steps=steps)))
    packed = [
        dataclasses.replace(t, origin=PackedSpec.pack(t.origin))
        for t in theorems
        if isinstance(t.origin, ChainSpec)
    ]
    assert len(packed) == len(theorems)
    verdicts = field_pool.check(packed)
    assert verdicts == field_pool.check(theorems)
    assert isinstance(verdicts[-1], Rejected)
    assert all(isinstance(v, Accepted) for v in verdicts[:-1])
