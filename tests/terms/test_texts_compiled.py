"""The compiled printers' engine (`terms/_texts.c`) against the Python printers it runs for
(`terms.texts.SignatureTexts`): the same text, byte for byte, from every printing method, on
random trees of every shipped signature and of signatures made to reach every rule of the
engine (numerals 0, 1, 2 and beyond a machine word, deep trees, prefix, postfix, call and
constant operators, templates `str.format` reads differently); the same exception where the
Python method raises one; the same bounded memos, which both share."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms import texts
from rpsdg_formal.terms.expr import Expr, Kind, Path, app, num, positions, var
from rpsdg_formal.terms.meaning import REGISTRY
from rpsdg_formal.terms.signature import Fixity, Numerals, Operator, Signature
from rpsdg_formal.terms.texts import (
    CompiledTexts,
    SignatureTexts,
    make_texts,
    numeral_to_kernel,
    texts_of,
)
from rpsdg_formal.terms.texts_compiled import (
    MAX_FIELDS,
    compiled_module,
    operator_table,
    template_pieces,
)
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import load_rules

NUMERALS = Numerals("zero", "one", "bit0", "bit1")
SIGNATURES = {t: load_rules(rules_path(t)).theory.signature for t in shipped_theories()}
SIGNATURES["registry"] = Signature(  # every operator of the trusted model, as it renders
    tuple(
        Operator(m.name, m.symbol, Fixity(m.fixity), m.arity, m.precedence, m.name,
                 m.lean_symbol, m.name, m.latex)
        for m in REGISTRY.values()
    ),
    NUMERALS,
)  # fmt: skip
SIGNATURES["odd"] = Signature(  # precedences above a leaf's, calls of every arity, templates
    (
        Operator("at", "@", Fixity.INFIX, 2, 1200, "at", "@", "add", "{0} @ {1}"),
        Operator("low", "&", Fixity.INFIX, 2, 3, "low", "&", "mul", r"\frac{{{0}}}{{{1}}}"),
        Operator("same", "%", Fixity.INFIX, 2, 3, "same", "%%", "sub", r"\left{0}|{1}"),
        Operator("neg", "~", Fixity.PREFIX, 1, 1100, "neg", "~", "neg", "~{0}"),
        Operator("minus", "-", Fixity.PREFIX, 1, 2, "minus", "-", "neg", "-{0!s}"),
        Operator("bang", "!", Fixity.POSTFIX, 1, 5, "bang", "!", "inv", "{0}!"),
        Operator("sq", "²", Fixity.POSTFIX, 1, 1000, "sq", " ^ 2", "pow2", "{0:>3}^{{2}}"),
        Operator("f", "f", Fixity.FUNCTION, 2, 0, "f", "F", "add", "f({0}, {1})"),
        Operator("g", "g", Fixity.FUNCTION, 1, 0, "g", "G (fun t => {0}) t", "neg", "g({0})"),
        Operator("h", "h", Fixity.FUNCTION, 3, 0, "h", "{2} {1} {0}", "add", "{2}{0}{1}{0}"),
        Operator("r", "r", Fixity.FUNCTION, 1, 0, "r", "R {0!r} {{}}", "neg", "{0[0]}"),
        Operator("k", "k", Fixity.CONSTANT, 0, 0, "k", "K", "one", "k"),
        Operator("e", "e", Fixity.FUNCTION, 0, 0, "e", "E", "one", "{}"),
    ),
    NUMERALS,
)
METHODS: dict[str, Callable[[SignatureTexts, Expr], str]] = {
    "human": lambda t, e: t.infix(e, False),
    "lean": lambda t, e: t.infix(e, True),
    "lean_argument": lambda t, e: t.lean_argument(e),
    "kernel": lambda t, e: t.kernel(e),
    "kernel_argument": lambda t, e: t.kernel_argument(e),
    "latex": lambda t, e: t.to_latex(e),
}


def _compiled(sig: Signature) -> CompiledTexts:
    if compiled_module() is None:
        pytest.skip("the compiled printers are not built here (the Python ones are used)")
    made = make_texts(sig, True)
    assert isinstance(made, CompiledTexts)
    return made


def trees(sig: Signature) -> st.SearchStrategy[Expr]:
    """Random trees over every operator of `sig`; numerals 0, 1, 2 and far past 2**64."""
    numerals = st.sampled_from([0, 1, 2, 3]) | st.integers(0, 2**80)
    leaves = st.sampled_from(["x", "y", "zeta", "φ"]).map(var) | numerals.map(num)
    by_arity: dict[int, list[str]] = {}
    for op in sig.operators:
        by_arity.setdefault(op.arity, []).append(op.name)
    if 0 in by_arity:
        leaves = leaves | st.sampled_from(by_arity[0]).map(app)

    def extend(kids: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            [
                st.tuples(st.sampled_from(names), st.lists(kids, min_size=n, max_size=n)).map(
                    lambda drawn: app(drawn[0], *drawn[1])
                )
                for n, names in sorted(by_arity.items())
                if n
            ]
        )

    return st.recursive(leaves, extend, max_leaves=30)


def deep(sig: Signature) -> st.SearchStrategy[Expr]:
    """A tree of depth up to 150: a chain of unary operators around a random tree."""
    unary = [op.name for op in sig.operators if op.arity == 1]
    return st.tuples(trees(sig), st.lists(st.sampled_from(unary), max_size=150)).map(
        lambda drawn: _chain(drawn[0], drawn[1])
    )


def _chain(tree: Expr, heads: list[str]) -> Expr:
    for head in heads:
        tree = app(head, tree)
    return tree


def _outcome(print_: Callable[[], str]) -> tuple[str, str]:
    """What a printer gives: its text, or its exception's type and message."""
    try:
        return ("text", print_())
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as error:
        return (type(error).__name__, str(error))


def signature_and_trees() -> st.SearchStrategy[tuple[str, list[Expr]]]:
    return st.sampled_from(sorted(SIGNATURES)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.lists(trees(SIGNATURES[name]) | deep(SIGNATURES[name]), min_size=1, max_size=4),
        )
    )


def _assert_alike(compiled: SignatureTexts, python: SignatureTexts, exprs: list[Expr]) -> None:
    for e in exprs:  # the later trees meet what the earlier ones left in the memos
        for sub in (e, *(s for _, s in positions(e))):
            for name, method in METHODS.items():
                got = _outcome(lambda: method(compiled, sub))  # noqa: B023
                assert got == _outcome(lambda: method(python, sub)), (name, sub)  # noqa: B023


@settings(max_examples=300, deadline=None)
@given(signature_and_trees())
def test_every_method_prints_what_the_python_method_prints(
    drawn: tuple[str, list[Expr]],
) -> None:
    name, exprs = drawn
    sig = SIGNATURES[name]
    _assert_alike(_compiled(sig), make_texts(sig, False), exprs)


@settings(max_examples=200, deadline=None)
@given(signature_and_trees(), st.lists(st.integers(-2, 3), max_size=6))
def test_kernel_context_is_the_python_one_for_every_path(
    drawn: tuple[str, list[Expr]], stray: list[int]
) -> None:
    """Every position of each tree, and a path that may leave it (the same IndexError)."""
    name, exprs = drawn
    sig = SIGNATURES[name]
    compiled, python = _compiled(sig), make_texts(sig, False)
    for e in exprs:
        paths: list[Path] = [p for p, _ in positions(e)] + [tuple(stray)]
        for path in paths:
            got = _outcome(lambda: compiled.kernel_context(e, path, "rpsdg_hole"))  # noqa: B023
            want = _outcome(lambda: python.kernel_context(e, path, "rpsdg_hole"))  # noqa: B023
            assert got == want, path


template_parts = st.sampled_from(
    ["{0}", "{1}", "{2}", "{}", "{0!r}", "{0:>4}", "{00}", "{0.real}", "{{", "}}", "{", "}",
     "{0[1]}", "\\left", "\\frac", " + ", "x", "φ", "{\u0661}", "{16}"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(template_parts, max_size=8).map("".join),
    st.lists(template_parts, max_size=8).map("".join),
    st.data(),
)
def test_any_template_gives_what_str_format_gives(
    latex: str, lean_call: str, data: st.DataObject
) -> None:
    """Templates as a rule file could write them: the engine fills those it reads as plain
    fields and hands the others to `str.format` (text or exception alike)."""
    sig = Signature(
        (
            Operator("add", "+", Fixity.INFIX, 2, 65, "add", "+", "add", latex),
            Operator("neg", "-", Fixity.PREFIX, 1, 75, "neg", "-", "neg", latex),
            Operator("f", "f", Fixity.FUNCTION, 2, 0, "f", "F {0}" + lean_call, "add", latex),
            Operator("g", "g", Fixity.FUNCTION, 1, 0, "g", "{0}" + lean_call, "neg", latex),
        ),
        NUMERALS,
    )
    exprs = data.draw(st.lists(trees(sig), min_size=1, max_size=3))
    _assert_alike(_compiled(sig), make_texts(sig, False), exprs)


def test_template_pieces_are_plain_fields_only() -> None:
    assert template_pieces(r"\frac{{{0}}}{{{1}}}") == ("\\frac{", 0, "}{", 1, "}")
    assert template_pieces("{1}{0}") == ("", 1, "", 0, "")
    assert template_pieces("no fields") == ("no fields",)
    for other in ("{}", "{0!r}", "{0:3}", "{00}", "{0.x}", "{0[0]}", "{", "{\u0661}"):
        assert template_pieces(other) is None, other
    longest = "{0}" * MAX_FIELDS
    assert template_pieces(longest) is not None and template_pieces(longest + "{0}") is None


def test_the_memos_are_shared_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fills the Python printers' dicts, emptied at `texts.LIMIT` as it is now."""
    sig = SIGNATURES["calculus"]
    compiled, python = _compiled(sig), make_texts(sig, False)
    monkeypatch.setattr(texts, "LIMIT", 8)
    for n in range(60):
        e = app("mul", app("neg", app("add", var("x"), num(n))), app("D", app("exp", num(n))))
        _assert_alike(compiled, python, [e])
        memos = (compiled.lean_memo, compiled.human_memo, compiled.kernel_memo,
                 compiled.argument_memo, compiled.latex_memo)  # fmt: skip
        assert all(0 < len(memo) <= 8 for memo in memos)
    reference = SignatureTexts(sig)
    for memo, method in ((compiled.latex_memo, "latex"), (compiled.kernel_memo, "kernel")):
        for node, text in memo.items():  # what the engine remembered is the Python text
            assert text == METHODS[method](reference, node)


def test_what_the_engine_cannot_print_the_python_method_prints() -> None:
    """Trees outside the signature or with an arity their fixity does not have, a name that
    is not a string, a path that leaves the tree: the Python method's text or exception."""
    sig = SIGNATURES["field"]
    compiled, python = _compiled(sig), make_texts(sig, False)
    odd = [
        app("nope", var("x")),  # KeyError
        app("add", var("x")),  # IndexError
        app("add", var("x"), var("y"), var("z")),  # Python prints the first two
        app("neg", var("x"), var("y")),  # Python prints the first
        Expr(Kind.VAR, 7),  # type: ignore[arg-type]  # a name that is not a string
        app("add", Expr(Kind.VAR, 7), var("y")),  # type: ignore[arg-type]
    ]
    _assert_alike(compiled, python, odd)
    for call in (lambda t: t.kernel(42), lambda t: t.kernel_context(odd[1], (5,), "h")):
        assert _outcome(lambda: call(compiled)) == _outcome(lambda: call(python))  # noqa: B023
    with pytest.raises(TypeError, match="takes 2 arguments"):
        compiled.infix(var("x"))  # type: ignore[call-arg]


def test_the_switch_chooses_the_printers() -> None:
    sig = SIGNATURES["field"]
    before = texts.use_compiled(False)
    try:
        assert type(texts_of(sig)) is SignatureTexts
        texts.use_compiled(True)
        expected = SignatureTexts if compiled_module() is None else CompiledTexts
        assert type(texts_of(sig)) is expected
    finally:
        texts.use_compiled(before)


def test_ci_builds_the_compiled_printers() -> None:
    """CI installs with gcc present, so a silent fall back to Python there is a broken build."""
    if os.environ.get("CI") != "true":
        pytest.skip("outside CI a machine without a C compiler may use the Python printers")
    assert compiled_module() is not None
    assert isinstance(texts_of(SIGNATURES["field"]), CompiledTexts)


class _NoFallback:
    """A reference with no methods: any tree handed back to Python raises AttributeError."""


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["field", "calculus", "equation", "registry"]).flatmap(
        lambda name: st.tuples(st.just(name), trees(SIGNATURES[name]) | deep(SIGNATURES[name]))
    )
)
def test_the_engine_prints_shipped_trees_itself(drawn: tuple[str, Expr]) -> None:
    """Trees of the shipped signatures never fall back to Python: the engine prints them."""
    name, tree = drawn
    sig = SIGNATURES[name]
    python = make_texts(sig, False)
    module = compiled_module()
    if module is None:
        pytest.skip("the compiled printers are not built here")
    engine = module.engine(
        operator_table(python),
        (python.human_memo, python.lean_memo, python.kernel_memo, python.argument_memo,
         python.latex_memo),
        (Kind.VAR, Kind.NUM, Kind.APP),
        Expr,
        lambda n: numeral_to_kernel(n, sig.numerals),
        vars(texts),
        _NoFallback(),
        texts.ATOM,
    )  # fmt: skip
    reference = make_texts(sig, False)
    for _, sub in positions(tree):
        assert engine.infix(sub, True) == reference.infix(sub, True)
        assert engine.infix(sub, False) == reference.infix(sub, False)
        assert engine.to_latex(sub) == reference.to_latex(sub)
        assert engine.kernel_argument(sub) == reference.kernel_argument(sub)
        assert engine.lean_argument(sub) == reference.lean_argument(sub)
    for path, _ in positions(tree):
        assert engine.kernel_context(tree, path, "h") == reference.kernel_context(tree, path, "h")
