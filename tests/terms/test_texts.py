"""The memoised printers (`terms.texts`) against the plain recursive printers they replaced
(`reference_printers`), on random trees of every shipped theory: the same text, byte for byte,
whatever was printed before (the memos are shared across calls) and after a memo is emptied.
Every test here runs twice: with the compiled engine (`terms/_texts.c`, where it is built) and
with the Python printers alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import reference_printers as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms import texts
from rpsdg_formal.terms.expr import (
    Expr,
    app,
    instantiates,
    num,
    positions,
    replace,
    statement_key,
    substitute,
    var,
)
from rpsdg_formal.terms.printers import (
    argument,
    kernel_context,
    to_human,
    to_kernel,
    to_latex,
    to_lean,
)
from rpsdg_formal.terms.signature import Fixity, Numerals, Operator, Signature
from rpsdg_formal.terms.texts_compiled import compiled_module
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import load_rules

SIGNATURES = {t: load_rules(rules_path(t)).theory.signature for t in shipped_theories()}
SIGNATURES["odd"] = Signature(  # precedences above a leaf's, a binary call, low postfix
    (
        Operator("at", "@", Fixity.INFIX, 2, 1200, "at", "@", "add", "{0} @ {1}"),
        Operator("low", "&", Fixity.INFIX, 2, 3, "low", "&", "mul", r"\frac{{{0}}}{{{1}}}"),
        Operator("neg", "~", Fixity.PREFIX, 1, 1100, "neg", "~", "neg", "~{0}"),
        Operator("bang", "!", Fixity.POSTFIX, 1, 5, "bang", "!", "inv", "{0}!"),
        Operator("f", "f", Fixity.FUNCTION, 2, 0, "f", "F", "add", "f({0}, {1})"),
        Operator("g", "g", Fixity.FUNCTION, 1, 0, "g", "G (fun t => {0}) t", "neg", "g({0})"),
        Operator("k", "k", Fixity.CONSTANT, 0, 0, "k", "K", "one", "k"),
    ),
    Numerals("zero", "one", "bit0", "bit1"),
)


@pytest.fixture(scope="module", autouse=True, params=["compiled", "python"])
def printers(request: pytest.FixtureRequest) -> Iterator[str]:
    """The printers under test: the compiled engine where it is built, then Python alone."""
    before = texts.use_compiled(request.param == "compiled")
    yield request.param
    texts.use_compiled(before)


def test_the_printers_under_test_are_the_ones_named(printers: str) -> None:
    compiled = printers == "compiled" and compiled_module() is not None
    for sig in SIGNATURES.values():
        assert isinstance(texts.texts_of(sig), texts.CompiledTexts) is compiled


def trees(sig: Signature) -> st.SearchStrategy[Expr]:
    """Random trees over every operator of `sig`, leaves variables and numerals (0..9)."""
    leaves = st.sampled_from(["x", "y", "z", "w"]).map(var) | st.integers(0, 9).map(num)
    nullary = [op.name for op in sig.operators if op.arity == 0]
    if nullary:
        leaves = leaves | st.sampled_from(nullary).map(app)
    unary = [op.name for op in sig.operators if op.arity == 1]
    binary = [op.name for op in sig.operators if op.arity == 2]

    def extend(kids: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.builds(app, st.sampled_from(unary), kids) | st.builds(
            app, st.sampled_from(binary), kids, kids
        )

    return st.recursive(leaves, extend, max_leaves=24)


def theory_and_trees() -> st.SearchStrategy[tuple[str, list[Expr]]]:
    return st.sampled_from(sorted(SIGNATURES)).flatmap(
        lambda t: st.tuples(st.just(t), st.lists(trees(SIGNATURES[t]), min_size=1, max_size=4))
    )


@settings(max_examples=400, deadline=None)
@given(theory_and_trees())
def test_every_syntax_matches_the_reference_printers(drawn: tuple[str, list[Expr]]) -> None:
    theory, exprs = drawn
    sig = SIGNATURES[theory]
    for e in exprs:  # the later trees reuse what the earlier ones left in the memos
        for sub in (e, *(s for _, s in positions(e))):
            assert to_human(sub, sig) == ref.human(sub, sig)
            assert to_lean(sub, sig) == ref.lean(sub, sig)
            assert to_kernel(sub, sig) == ref.kernel(sub, sig)
            assert to_latex(sub, sig) == ref.latex(sub, sig)
            assert argument(sub, sig) == ref.kernel_argument(sub, sig)
            assert argument(sub, sig, lean=True) == ref.lean_argument(sub, sig)


@settings(max_examples=300, deadline=None)
@given(theory_and_trees())
def test_kernel_context_is_the_kernel_text_of_the_replaced_tree(
    drawn: tuple[str, list[Expr]],
) -> None:
    theory, exprs = drawn
    sig = SIGNATURES[theory]
    for e in exprs:
        for path, _ in positions(e):
            expected = ref.kernel(replace(e, path, var("rpsdg_hole")), sig)
            assert kernel_context(e, path, "rpsdg_hole", sig) == expected


@settings(max_examples=400, deadline=None)
@given(theory_and_trees())
def test_statement_key_matches_the_reference(drawn: tuple[str, list[Expr]]) -> None:
    _, exprs = drawn
    for lhs in exprs:
        for rhs in exprs:
            assert statement_key(lhs, rhs) == ref.statement_key(lhs, rhs)


def test_statement_key_of_renamed_and_swapped_statements_is_one() -> None:
    x, y = var("x"), var("y")
    key = statement_key(app("add", x, y), app("add", y, x))
    assert key == statement_key(app("add", y, x), app("add", x, y))
    assert key == statement_key(app("add", var("a"), var("b")), app("add", var("b"), var("a")))
    assert key != statement_key(app("add", x, y), app("add", x, y))


def test_memos_are_bounded_and_stay_right_after_emptying(monkeypatch: pytest.MonkeyPatch) -> None:
    sig = SIGNATURES["field"]
    monkeypatch.setattr(texts, "LIMIT", 8)
    printers = texts.texts_of(sig)
    exprs = [app("add", var("x"), num(n)) for n in range(40)]
    for e in exprs:
        nested = app("mul", app("neg", e), app("inv", e))
        assert to_lean(nested, sig) == ref.lean(nested, sig)
        assert to_kernel(nested, sig) == ref.kernel(nested, sig)
        assert to_latex(nested, sig) == ref.latex(nested, sig)
        assert to_human(nested, sig) == ref.human(nested, sig)
        for memo in (printers.lean_memo, printers.kernel_memo, printers.latex_memo):
            assert len(memo) <= 8
    assert len(printers.human_memo) <= 8


@settings(max_examples=300, deadline=None)
@given(theory_and_trees(), st.data())
def test_instantiates_is_substitute_then_compare(
    drawn: tuple[str, list[Expr]], data: st.DataObject
) -> None:
    _, exprs = drawn
    pattern = exprs[0]
    names = sorted({sub.head for _, sub in positions(pattern) if sub.is_var})
    values = data.draw(st.lists(st.sampled_from(exprs), min_size=len(names), max_size=len(names)))
    mapping = dict(zip(names[: len(values)], values, strict=True))
    built = substitute(pattern, mapping)
    candidates = [built, *exprs, *(s for e in exprs for _, s in positions(e))]
    for expr in candidates:
        assert instantiates(pattern, mapping, expr) is (built is expr)
