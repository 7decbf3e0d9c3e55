"""The compiled hash of `Expr` (`terms/_exprhash.c`): the value `Expr.__hash__` gives, so dicts
and sets behave exactly as with the Python method."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms.expr import Expr, app, num, var

trees = st.recursive(
    st.sampled_from(["x", "y", "a_long_name"]).map(var) | st.integers(0, 2**70).map(num),
    lambda kids: (
        st.builds(lambda a: app("neg", a), kids)
        | st.builds(lambda a, b: app("add", a, b), kids, kids)
        | st.builds(lambda *a: app("f", *a), kids, kids, kids)
    ),
    max_leaves=12,
)


def _compiled() -> object:
    try:
        return importlib.import_module("rpsdg_formal.terms._exprhash")
    except ImportError:
        pytest.skip("the compiled hash is not built here (Python's __hash__ is used)")


@settings(max_examples=300, deadline=None)
@given(trees, trees)
def test_the_compiled_hash_is_the_python_one(a: Expr, b: Expr) -> None:
    _compiled()
    assert type(Expr).__name__ == "type" and Expr.__hash__ is not object.__hash__
    assert hash(a) == Expr.__hash__(a) == a._hash
    table = {a: "a"}
    table[b] = "b"
    assert table[a] == ("b" if a is b else "a") and (len(table) == 1) == (a is b)
    assert {a, b} == {b, a}


def test_install_refuses_what_it_cannot_read() -> None:
    compiled = _compiled()
    install = compiled.install  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="not an object slot"):
        install(Expr, "no_such_slot")
    with pytest.raises(TypeError):
        install(42, "_hash")

    class Other:
        __slots__ = ("_hash",)

    with pytest.raises(RuntimeError, match="another type"):
        install(Other, "_hash")
    install(Expr, "_hash")  # the same type again is fine
    assert hash(var("x")) == var("x")._hash
