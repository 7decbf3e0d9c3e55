"""The statement key's text in C (`terms/_exprkey.c`) against the Python `_renamed_repr`, its
reference: the same strings and the same renaming dict after each print, on random trees over
every operator of the three theories (and constants, odd heads, numerals beyond 64 bits), with
the dict shared across prints as `statement_key` shares it; and the same keys either way."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms import expr as expr_module
from rpsdg_formal.terms.expr import Expr, Kind, app, num, statement_key, var
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

OPERATORS = sorted(
    {
        (op.name, op.arity)
        for theory in ("field", "calculus", "equation")
        for op in load_rules(rules_path(theory)).theory.signature.operators
    }
    | {("c", 0), ("it's", 1), ("naïve", 2), ("f", 3)}  # a constant, a quote, a non-ASCII head
)
VARIABLES = ["x", "y", "z", "t", "a_long_name", "é"]


def _compiled() -> Any:
    try:
        return importlib.import_module("rpsdg_formal.terms._exprkey")
    except ImportError:
        pytest.skip("the compiled statement key is not built here (Python's is used)")


def _grow(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.sampled_from(OPERATORS).flatmap(
        lambda op: st.lists(children, min_size=op[1], max_size=op[1]).map(
            lambda args: app(op[0], *args)
        )
    )


trees = st.recursive(
    st.sampled_from(VARIABLES).map(var) | st.integers(0, 2**70).map(num),
    _grow,
    max_leaves=20,
)


def test_statement_key_prints_in_c_where_built() -> None:
    compiled = _compiled()
    assert expr_module._RENDER is compiled.renamed_repr


@settings(max_examples=300, deadline=None)
@given(
    st.lists(trees, min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(VARIABLES), st.just("var('v9')"), max_size=2),
)
def test_the_compiled_text_is_the_python_one(
    sides: list[Expr], given_names: dict[str, str]
) -> None:
    render = _compiled().renamed_repr
    in_c, in_python = dict(given_names), dict(given_names)
    for side in sides:  # one dict across prints, as statement_key continues the numbering
        assert render(side, in_c) == expr_module._renamed_repr(side, in_python)
        assert list(in_c.items()) == list(in_python.items())


@settings(max_examples=200, deadline=None)
@given(trees, trees)
def test_the_keys_are_the_same_either_way(lhs: Expr, rhs: Expr) -> None:
    _compiled()
    compiled = statement_key(lhs, rhs)
    python = _with_render(expr_module._renamed_repr, lambda: statement_key(lhs, rhs))
    assert compiled == python
    assert compiled == statement_key(rhs, lhs)  # the key does not see the orientation


def _with_render(render: Callable[[Expr, dict[str, str]], str], work: Callable[[], bytes]) -> bytes:
    previous = expr_module._RENDER
    expr_module._RENDER = render
    try:
        return work()
    finally:
        expr_module._RENDER = previous


def test_what_is_not_a_tree_is_refused() -> None:
    render = _compiled().renamed_repr
    with pytest.raises(TypeError, match="only Expr trees"):
        render("x", {})
    with pytest.raises(TypeError):
        render(var("x"), [])
    names: dict[str, str] = {}
    assert render(Expr(Kind.VAR, "q"), names) == "var('v0')" and names == {"q": "var('v0')"}


def test_deep_trees_raise_as_python_does_not_crash() -> None:
    render = _compiled().renamed_repr
    deep = var("x")
    for _ in range(100_000):
        deep = app("neg", deep)
    with pytest.raises(RecursionError):
        render(deep, {})
