"""The compiled `instantiates` (`terms/_exprmatch.c`) against the Python function it stands
for (`expr.instantiates_python`): the same answer on random patterns, substitutions and trees
of every shipped signature, including the instance itself, its neighbours and unrelated trees;
what it does not read (a mapping that is not a dict, a name that is not a string) is answered
by the Python function."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms import expr as expr_module
from rpsdg_formal.terms.expr import (
    Expr,
    Kind,
    app,
    instantiates_python,
    num,
    positions,
    replace,
    substitute,
    var,
)
from rpsdg_formal.theory.catalogue import rules_path, shipped_theories
from rpsdg_formal.theory.rules import load_rules

SIGNATURES = {t: load_rules(rules_path(t)).theory.signature for t in shipped_theories()}


def _compiled() -> ModuleType:
    try:
        return importlib.import_module("rpsdg_formal.terms._exprmatch")
    except ImportError:
        pytest.skip("the compiled instantiates is not built here (the Python one answers)")


def trees(theory: str) -> st.SearchStrategy[Expr]:
    sig = SIGNATURES[theory]
    names = [op.name for op in sig.operators]
    arity = {op.name: op.arity for op in sig.operators}
    leaves = st.sampled_from(["a", "b", "c", "x"]).map(var) | st.integers(0, 3).map(num)
    nullary = [n for n in names if arity[n] == 0]
    if nullary:
        leaves = leaves | st.sampled_from(nullary).map(app)
    return st.recursive(
        leaves,
        lambda kids: st.sampled_from([n for n in names if arity[n]]).flatmap(
            lambda n: st.lists(kids, min_size=arity[n], max_size=arity[n]).map(
                lambda args: app(n, *args)
            )
        ),
        max_leaves=12,
    )


def cases(theory: str) -> st.SearchStrategy[tuple[Expr, dict[str, Expr], list[Expr]]]:
    """A pattern, a substitution of some of its variables, and trees to ask about: the
    instance, the instance with one sub-tree replaced, and unrelated trees."""
    return st.tuples(
        trees(theory), st.dictionaries(st.sampled_from("abcx"), trees(theory)), st.data()
    ).map(lambda drawn: _with_candidates(drawn[0], drawn[1], drawn[2], theory))


def _with_candidates(
    pattern: Expr, mapping: dict[str, Expr], data: st.DataObject, theory: str
) -> tuple[Expr, dict[str, Expr], list[Expr]]:
    built = substitute(pattern, mapping)
    where = data.draw(st.sampled_from([p for p, _ in positions(built)]))
    changed = replace(built, where, data.draw(trees(theory)))
    others = data.draw(st.lists(trees(theory), max_size=3))
    return pattern, mapping, [built, changed, pattern, *others, *(s for _, s in positions(built))]


def _both(pattern: Expr, mapping: Mapping[str, Expr], expr: Expr) -> Iterator[bool]:
    yield _compiled().instantiates(pattern, mapping, expr)
    yield instantiates_python(pattern, mapping, expr)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(SIGNATURES)).flatmap(cases))
def test_the_compiled_answer_is_the_python_one(
    drawn: tuple[Expr, dict[str, Expr], list[Expr]],
) -> None:
    pattern, mapping, candidates = drawn
    for expr in candidates:
        got, want = _both(pattern, mapping, expr)
        assert got is want, expr
    assert _compiled().instantiates(pattern, mapping, candidates[0]) is True


def test_what_it_does_not_read_the_python_function_answers() -> None:
    pattern = app("add", var("a"), var("b"))
    mapping = {"a": var("x"), "b": num(1)}
    expr = app("add", var("x"), num(1))

    class Frozen(Mapping[str, Expr]):  # a mapping that is not a dict
        def __getitem__(self, key: str) -> Expr:
            return mapping[key]

        def __iter__(self) -> Iterator[str]:
            return iter(mapping)

        def __len__(self) -> int:
            return len(mapping)

    odd = app("add", Expr(Kind.VAR, 7), num(1))  # type: ignore[arg-type]
    for case in ((pattern, Frozen(), expr), (pattern, mapping, odd), (odd, mapping, odd)):
        got, want = _both(*case)
        assert got is want
    assert _compiled().instantiates(pattern, Frozen(), expr) is True


def test_the_package_uses_the_compiled_answer_where_built() -> None:
    compiled = _compiled()
    assert expr_module.instantiates is compiled.instantiates
