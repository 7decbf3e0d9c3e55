"""Expression trees: interning, immutability, tree operations, matching and pickling."""

from __future__ import annotations

import gc
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpsdg_formal.terms.expr import (
    Expr,
    Kind,
    app,
    match,
    num,
    positions,
    replace,
    substitute,
    subterm,
    var,
    variables,
)

x, y, z = var("x"), var("y"), var("z")


def _sample() -> Expr:
    """x * (y + 1) - -z, built from scratch on every call."""
    return app("sub", app("mul", var("x"), app("add", var("y"), num(1))), app("neg", var("z")))


trees = st.recursive(
    st.sampled_from(["x", "y", "z"]).map(var) | st.integers(0, 5).map(num),
    lambda kids: (
        st.builds(lambda a: app("neg", a), kids)
        | st.builds(lambda a, b: app("add", a, b), kids, kids)
        | st.builds(lambda a, b: app("mul", a, b), kids, kids)
    ),
    max_leaves=12,
)


# --- interning and equality ---------------------------------------------------------------------


def test_same_tree_built_twice_is_the_same_object() -> None:
    assert _sample() is _sample()
    assert var("x") is var("x")
    assert num(7) is num(7)


def test_equality_is_identity() -> None:
    e = _sample()
    assert e == _sample()
    assert e != app("sub", app("mul", x, app("add", y, num(2))), app("neg", z))
    assert app("add", x, y) != app("add", y, x)
    assert app("add", x, y) != app("mul", x, y)
    # A variable named like a numeral is not that numeral.
    assert var("0") is not num(0)
    assert var("0") != num(0)


def test_hash_is_stable_across_rebuilds() -> None:
    h = hash(_sample())
    gc.collect()  # the pooled node is weakly held; it may be rebuilt from scratch below
    assert hash(_sample()) == h
    assert len({_sample(), _sample()}) == 1
    assert {_sample(): 1}[_sample()] == 1


def test_negative_numerals_are_rejected() -> None:
    with pytest.raises(ValueError, match="neg"):
        num(-1)


# --- immutability -------------------------------------------------------------------------------


@pytest.mark.parametrize("attr", ["kind", "head", "value", "args", "size", "depth", "_hash"])
def test_existing_attributes_cannot_be_set(attr: str) -> None:
    e = _sample()
    before = getattr(e, attr)
    with pytest.raises(AttributeError):
        setattr(e, attr, None)
    assert getattr(e, attr) == before


def test_new_attributes_cannot_be_added() -> None:
    with pytest.raises(AttributeError):
        _sample().extra = 1


def test_attributes_cannot_be_deleted() -> None:
    probe = app("neg", var("only_used_by_the_delattr_probe"))  # may be corrupted by `del`
    with pytest.raises(AttributeError):
        del probe.size


# --- size and depth -----------------------------------------------------------------------------


def test_size_and_depth() -> None:
    assert (x.size, x.depth) == (1, 1)
    assert (num(3).size, num(3).depth) == (1, 1)
    assert (app("neg", x).size, app("neg", x).depth) == (2, 2)
    # sub(mul(x, add(y, 1)), neg(z)): 8 nodes, longest root-to-leaf path sub/mul/add/y.
    e = _sample()
    assert e.size == 8
    assert e.depth == 4


@settings(max_examples=60, deadline=None)
@given(trees)
def test_size_and_depth_agree_with_positions(e: Expr) -> None:
    paths = [p for p, _ in positions(e)]
    assert e.size == len(paths)
    assert e.depth == 1 + max(len(p) for p in paths)


# --- subterm, replace, positions, variables, substitute -----------------------------------------


def test_positions_are_pre_order() -> None:
    e = _sample()
    assert [p for p, _ in positions(e)] == [
        (),
        (0,),
        (0, 0),
        (0, 1),
        (0, 1, 0),
        (0, 1, 1),
        (1,),
        (1, 0),
    ]
    assert dict(positions(e))[(0, 1, 1)] is num(1)


def test_subterm() -> None:
    e = _sample()
    assert subterm(e, ()) is e
    assert subterm(e, (0, 1)) is app("add", y, num(1))
    assert subterm(e, (1, 0)) is z
    with pytest.raises(IndexError):
        subterm(e, (1, 0, 0))


def test_replace_builds_the_interned_result_and_leaves_the_original() -> None:
    e = _sample()
    new = replace(e, (0, 1, 0), app("inv", x))
    assert new is app("sub", app("mul", x, app("add", app("inv", x), num(1))), app("neg", z))
    assert subterm(e, (0, 1, 0)) is y
    assert replace(e, (), z) is z


@settings(max_examples=60, deadline=None)
@given(trees)
def test_replace_by_own_subterm_is_identity(e: Expr) -> None:
    for path, sub in positions(e):
        assert subterm(e, path) is sub
        assert replace(e, path, sub) is e


def test_variables_in_order_of_first_occurrence() -> None:
    assert variables(app("add", y, app("mul", x, app("neg", y)))) == ("y", "x")
    assert variables(_sample()) == ("x", "y", "z")
    assert variables(app("add", num(1), num(2))) == ()


def test_substitute_is_simultaneous() -> None:
    swapped = substitute(app("add", x, app("mul", y, num(2))), {"x": y, "y": x})
    assert swapped is app("add", y, app("mul", x, num(2)))


def test_substitute_leaves_unmapped_variables_and_numerals() -> None:
    e = _sample()
    assert substitute(e, {}) is e
    assert substitute(e, {"w": num(5)}) is e
    assert substitute(e, {"z": app("inv", x)}) is replace(e, (1, 0), app("inv", x))


# --- matching -----------------------------------------------------------------------------------


def test_match_binds_pattern_variables() -> None:
    pattern = app("mul", var("a"), app("add", var("b"), var("c")))
    target = app("mul", app("neg", x), app("add", y, num(3)))
    assert match(pattern, target) == {"a": app("neg", x), "b": y, "c": num(3)}


def test_non_linear_pattern() -> None:
    pattern = app("add", var("a"), var("a"))
    assert match(pattern, app("add", x, x)) == {"a": x}
    assert match(pattern, app("add", x, y)) is None
    both = app("mul", x, num(2))
    assert match(pattern, app("add", both, app("mul", x, num(2)))) == {"a": both}
    assert match(pattern, app("add", both, app("mul", x, num(3)))) is None


def test_numerals_only_match_equal_numerals() -> None:
    pattern = app("add", num(0), var("a"))
    assert match(pattern, app("add", num(0), x)) == {"a": x}
    assert match(pattern, app("add", num(1), x)) is None
    assert match(pattern, app("add", var("zero"), x)) is None
    assert match(num(2), num(2)) == {}
    assert match(num(2), num(20)) is None


def test_match_fails_on_head_or_shape_mismatch() -> None:
    assert match(app("add", var("a"), var("b")), app("mul", x, y)) is None
    assert match(app("neg", var("a")), x) is None
    assert match(app("neg", var("a")), num(1)) is None


def test_match_respects_existing_bindings() -> None:
    assert match(app("neg", var("a")), app("neg", x), {"a": y}) is None
    assert match(app("neg", var("a")), app("neg", x), {"a": x}) == {"a": x}


@settings(max_examples=60, deadline=None)
@given(trees, trees)
def test_a_tree_matches_any_instance_of_itself(pattern: Expr, image: Expr) -> None:
    mapping = {v: app("neg", image) for v in variables(pattern)}
    found = match(pattern, substitute(pattern, mapping))
    assert found == mapping


def test_pattern_matches_itself_binding_each_variable_to_itself() -> None:
    pattern = app("add", var("a"), app("mul", var("b"), num(2)))
    assert match(pattern, pattern) == {"a": var("a"), "b": var("b")}


@settings(max_examples=60, deadline=None)
@given(trees)
def test_every_tree_matches_itself(e: Expr) -> None:
    assert match(e, e) == {v: var(v) for v in variables(e)}


# --- pickling -----------------------------------------------------------------------------------


def test_pickle_round_trip_is_the_interned_object() -> None:
    e = _sample()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(e, protocol=protocol))
        assert back is e
        assert back.kind is Kind.APP


@settings(max_examples=40, deadline=None)
@given(trees)
def test_pickle_round_trip_of_random_trees(e: Expr) -> None:
    assert pickle.loads(pickle.dumps(e)) is e
