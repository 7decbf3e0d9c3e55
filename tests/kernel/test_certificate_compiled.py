"""The compiled certificate (`kernel/_certificate.c`) against the Python one it runs for
(`emit.certificate_parts`): the same statement, proof text, step terms and spec, byte for
byte, on random chains of every shipped theory mixing common steps (forward and reverse, at
any depth) with rare ones (rules with side conditions, numeral-only `evaluate:` rules forward
and back), under hostile but valid variable and theorem names, typed or not; the same
ValueError for a chain that does not fit; the reference's answer for what it does not read.
No Lean here: the certificates' kernel checks are tests/kernel/test_kernel.py's, and the
byte-identical `generate` outputs are compared at merge (README, "The compiled certificate").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.records import binders_of, make_candidate
from rpsdg_formal.kernel import emit_compiled
from rpsdg_formal.kernel.emit import (
    HOLE,
    _plain_ident,
    certificate,
    certificate_parts,
    hypotheses,
    step_proof,
)
from rpsdg_formal.rewriting.steps import RuleIndex, Step, apply_step, successors
from rpsdg_formal.terms.expr import Expr, app, match, num, positions, replace, var
from rpsdg_formal.terms.signature import Signature, is_lean_ident
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import RuleSet, load_rules

RULES = {t: load_rules(rules_path(t)) for t in shipped_theories()}
INDEXES = {t: RuleIndex.build(r.rules) for t, r in RULES.items()}
NAMES = ("x", "y", "b'", "α", "x₁", "𝔵", "z_0")  # valid Lean names, some beyond ASCII and BMP
THEOREM_NAMES = ("t", "x_s1_n1", "T_0_p2", "a" * 60)
FRESH = (var("x"), num(2))


def built() -> None:
    if emit_compiled._MODULE is None:
        pytest.skip("the compiled certificate is not built here (emit.py makes it)")


def trees(sig: Signature, names: Sequence[str]) -> st.SearchStrategy[Expr]:
    """Random trees over every operator of `sig`, with `names` and small numerals as leaves."""
    numerals = st.integers(0, 12).map(num)  # often: numeral-only rules need two side by side
    leaves = st.one_of(st.sampled_from(names).map(var), numerals, numerals)

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.sampled_from(sig.operators).flatmap(
            lambda op: st.tuples(*[children] * op.arity).map(lambda a: app(op.name, *a))
        )

    return st.recursive(leaves, extend, max_leaves=14)


def rare_steps(expr: Expr, rules: RuleSet) -> Iterator[Step]:
    """Every step of a rule with side conditions or `evaluate:` that applies to `expr`, a
    variable only the produced side has given each value of `FRESH` (a side condition on a
    variable becomes a hypothesis, on 2 a numeral's proof); an `evaluate:` rule forward only:
    its reverse comes from flipping a forward step."""
    for path, node in positions(expr):
        for rule in rules.rules:
            if not rule.conditions and rule.evaluate is None:
                continue
            for reverse in (False, True) if rule.evaluate is None else (False,):
                found = match(rule.side(reverse)[0], node)
                if found is None:
                    continue
                missing = [v for v in rule.variables if v not in found]
                for fill in FRESH if missing and rule.evaluate is None else (None,):
                    binding = {**found, **{v: fill for v in missing if fill is not None}}
                    try:
                        yield apply_step(expr, rule, reverse, path, binding)
                    except (RewriteError, ValueError):
                        continue  # not numerals, or a result too large


def flipped(step: Step) -> Step:
    """The step back from `step.after` to `step.before` by the same rule in reverse."""
    return dataclasses.replace(step, reverse=not step.reverse, before=step.after,
                               after=step.before)  # fmt: skip


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, Expr, tuple[Step, ...]]:
    """A theory, a start tree and a chain of 1 to 8 steps from it, each drawn from the common
    steps, the conditioned ones or the numeral-only ones (a common one where there is none)."""
    theory = draw(st.sampled_from(sorted(RULES)))
    rules = RULES[theory]
    start = current = draw(trees(rules.theory.signature, NAMES))
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["common", "conditioned", "evaluated"]))
        rare = [] if kind == "common" else list(rare_steps(current, rules))
        rare = [s for s in rare if (s.rule.evaluate is None) == (kind == "conditioned")]
        pool = rare or list(successors(current, INDEXES[theory], FRESH, max_size=60))
        if not pool:
            break
        step = pool[draw(st.integers(0, len(pool) - 1))]
        steps.append(step)
        if step.rule.evaluate is not None and draw(st.booleans()):
            steps.append(flipped(step))
        current = steps[-1].after
    return theory, start, tuple(steps)


def made(name: str, start: Expr, steps: Sequence[Step], theory: str, typed: bool) -> object:
    """`certificate`'s theorem (its spec included) and terms, or the error it raised."""
    try:
        lean, terms = certificate(
            name, binders_of(start, steps[-1].after), start, steps, RULES[theory].theory, typed
        )
    except (ValueError, RewriteError) as error:
        return type(error), str(error)
    return lean, lean.origin, terms


def both(name: str, start: Expr, steps: Sequence[Step], theory: str, typed: bool) -> list[object]:
    """`made(...)` by the Python reference, then by the compiled certificate."""
    out = []
    for on in (False, True):
        before = emit_compiled.use_compiled(on)
        try:
            out.append(made(name, start, steps, theory, typed))
        finally:
            emit_compiled.use_compiled(before)
    return out


@settings(max_examples=250, deadline=None)
@given(chains(), st.sampled_from(THEOREM_NAMES), st.booleans())
def test_the_compiled_certificate_is_the_reference(
    chain: tuple[str, Expr, tuple[Step, ...]], name: str, typed: bool
) -> None:
    built()
    theory, start, steps = chain
    if not steps:
        return
    python, compiled = both(name, start, steps, theory, typed)
    assert compiled == python
    binders = binders_of(start, steps[-1].after)
    parts = emit_compiled.compiled_parts(
        binders, start, steps, RULES[theory].theory, typed, HOLE, hypotheses, step_proof
    )
    assert parts == certificate_parts(binders, start, steps, RULES[theory].theory, typed)
    assert emit_compiled.compiled_binders(start, steps[-1].after) == binders


@settings(max_examples=300, deadline=None)
@given(chains(), st.integers(0, 7), st.integers(0, 4), st.integers(0, 40))
def test_a_chain_that_does_not_fit_is_refused_alike(
    chain: tuple[str, Expr, tuple[Step, ...]], which: int, how: int, pick: int
) -> None:
    built()
    theory, start, steps = chain
    if not steps:
        return
    broken = list(steps)
    number = which % len(steps)
    others = [sub for tree in (start, *(s.after for s in steps)) for _, sub in positions(tree)]
    other, step = others[pick % len(others)], steps[number]
    paths = [p for p, _ in positions(step.before)]
    after_paths = [p for p, _ in positions(step.after)]  # beside the rewritten place too
    broken[number] = [
        dataclasses.replace(step, after=other),
        dataclasses.replace(step, path=paths[(len(step.path) + pick) % len(paths)]),
        dataclasses.replace(step, reverse=not step.reverse),
        dataclasses.replace(step, before=other),
        dataclasses.replace(
            step, after=replace(step.after, after_paths[pick % len(after_paths)], other)
        ),
    ][how]
    python, compiled = both("t", start, broken, theory, False)
    assert compiled == python


def test_deep_trees_and_long_paths() -> None:
    """A rewrite 300 levels down a tree 300 levels deep (the memos, the recursions)."""
    built()
    rules = RULES["field"]
    inner = app("add", var("𝔵"), num(0))
    start = inner
    for k in range(300):
        start = app("mul", start, var(NAMES[k % len(NAMES)]))
    steps = [next(s for s in successors(start, INDEXES["field"], FRESH) if len(s.path) == 300)]
    steps.append(flipped(steps[0]))
    python, compiled = both("deep", start, steps, "field", True)
    assert compiled == python
    assert isinstance(python, tuple) and python[0].proof.count("congrArg") == 2
    assert python[0].statement.startswith(f"∀ (𝔵 x y b' α x₁ z_0 : {rules.theory.carrier}), ")


def test_what_it_does_not_read_goes_to_the_reference() -> None:
    """A path that is a list, a step that is not a `Step`: None from the engine, and the
    certificate the reference's."""
    built()
    rules = RULES["field"]
    start = app("add", var("x"), app("mul", var("y"), num(1)))
    step = next(s for s in successors(start, INDEXES["field"], FRESH) if s.path)
    binders = binders_of(start, step.after)
    odd = dataclasses.replace(step, path=list(step.path))  # type: ignore[arg-type]
    args = (binders, start, [odd], rules.theory, False, HOLE, hypotheses, step_proof)
    assert emit_compiled.compiled_parts(*args) is None
    python, compiled = both("t", start, [odd], "field", False)
    assert compiled == python
    plain = both("t", start, [step], "field", False)[0]
    assert isinstance(compiled, tuple) and isinstance(plain, tuple)
    assert compiled[0] == plain[0] and compiled[2] == plain[2]  # the same text, its own spec


def test_the_switch_turns_the_engine_off_and_on() -> None:
    built()
    rules = RULES["field"]
    start = app("add", var("x"), num(0))
    step = next(iter(successors(start, INDEXES["field"], FRESH)))
    args = ((), start, [step], rules.theory, False, HOLE, hypotheses, step_proof)
    before = emit_compiled.use_compiled(False)
    try:
        assert emit_compiled.compiled_parts(*args) is None
        assert emit_compiled.compiled_binders(start, start) is None
        emit_compiled.use_compiled(True)
        assert emit_compiled.compiled_parts(*args) is not None
    finally:
        emit_compiled.use_compiled(before)


def test_make_candidate_is_the_same_with_several_proofs() -> None:
    """`make_candidate` (the compiled binders and one certificate per proof) as in Python."""
    built()
    rules = RULES["equation"]
    start = app("add", app("mul", var("x"), num(2)), num(3))
    steps = list(successors(start, INDEXES["equation"], FRESH))[:3]
    proofs = [[s] for s in steps]
    made_by = []
    for on in (False, True):
        before = emit_compiled.use_compiled(on)
        try:
            candidate = make_candidate("c", 1, start, proofs, rules.theory)
        finally:
            emit_compiled.use_compiled(before)
        made_by.append((candidate, [(p.lean, p.lean.origin, p.terms) for p in candidate.proofs]))
    assert made_by[0] == made_by[1]


@given(st.text(alphabet="ab.1_ \n∀", max_size=8) | st.sampled_from(["fun", "a.fun", "x\n"]))
def test_the_plain_name_check_is_is_lean_ident_without_dots(name: str) -> None:
    assert _plain_ident(name) == (is_lean_ident(name) and "." not in name)


@pytest.mark.parametrize("theory", ["calculus", "equation"])
def test_numeral_only_steps_forward_and_back(theory: str) -> None:
    """Every numeral-only rule the trees reach, to a numeral and back, among common steps."""
    built()
    rules, sig = RULES[theory], RULES[theory].theory.signature
    start = current = app("add", app("mul", num(6), num(7)), app("sub", num(9), var("α")))
    if "D" in {op.name for op in sig.operators}:
        start = current = app("mul", app("D", num(5)), start)
    steps: list[Step] = []
    while evaluated := [s for s in rare_steps(current, rules) if s.rule.evaluate is not None]:
        steps.append(evaluated[0])
        current = evaluated[0].after
    assert steps, "no numeral-only step reached"
    steps += [flipped(s) for s in reversed(steps)]
    steps.append(next(iter(successors(start, INDEXES[theory], FRESH))))
    python, compiled = both("n", start, steps, theory, False)
    assert compiled == python and isinstance(python, tuple)
