"""What `lean` confirmed, remembered across runs: the file round-trips, anything else in it
counts as nothing, writes join what is there, and the key changes with the code, the theory,
the rule file and the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.kernel import confirmed
from rpsdg_formal.kernel.check import Accepted, Rejected
from rpsdg_formal.kernel.confirmed import (
    HEADER,
    MAX_BYTES,
    Confirmed,
    Memory,
    memory_for,
    package_digest,
    parse_confirmed,
)
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.faults import LIMIT, Settled
from rpsdg_formal.kernel.route import (
    SPREAD_CONFIRMED,
    Coverage,
    DirectRoute,
    Sample,
    lean_sample,
)
from rpsdg_formal.kernel.route import confirmed as confirmed_of
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


def test_a_memory_round_trips_and_joins_what_is_on_disk(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "deep" / "m.txt")
    assert memory.load() == Confirmed()  # no file yet
    memory.add(Confirmed(frozenset({"add_comm", "s1"}), 3))
    memory.add(Confirmed(frozenset({"s1", "Eq.trans"}), 2))
    assert memory.load() == Confirmed(frozenset({"add_comm", "s1", "Eq.trans"}), 5)
    assert memory.path.read_text(encoding="utf-8").startswith(f"{HEADER} 5\n")
    assert [p.name for p in memory.path.parent.iterdir()] == ["m.txt"]  # no temporary left


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a memory\nadd\n",
        f"{HEADER} x\nadd\n",
        f"{HEADER} -1\nadd\n",
        f"{HEADER} \u00b2\nadd\n",  # a digit to str.isdigit, not to int()
        f"{HEADER} 3\nadd two\n",  # a name with a space
        f"{HEADER} 3\n\nadd\n",  # an empty name
        f"{HEADER} 3\nadd",  # cut off mid-line
        f"{HEADER.replace('1', '2')} 3\nadd\n",  # a format this code did not write
    ],
)
def test_anything_but_a_memory_this_code_wrote_counts_as_nothing(tmp_path: Path, text: str) -> None:
    assert parse_confirmed(text) is None
    path = tmp_path / "m.txt"
    path.write_text(text, encoding="utf-8")
    assert Memory(path).load() == Confirmed()


def test_an_oversized_or_undecodable_memory_counts_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(f"{HEADER} 1\n" + "n\n" * (MAX_BYTES // 2), encoding="utf-8")
    assert Memory(path).load() == Confirmed()
    path.write_bytes(f"{HEADER} 1\n".encode() + b"\xff\xfe\n")
    assert Memory(path).load() == Confirmed()


def test_a_memory_in_a_folder_that_is_a_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    memory = Memory(tmp_path / "file" / "m.txt")
    memory.add(Confirmed(frozenset({"a"}), 1))  # no error: `lean` is shown more next time
    assert memory.load() == Confirmed()


def test_the_key_changes_with_the_theory_the_rule_file_the_library_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    field, calculus = load_rules(rules_path("field")), load_rules(rules_path("calculus"))
    library = tmp_path / "libleanshared.so"
    library.write_bytes(b"one")
    base = memory_for(tmp_path, field.theory, field.path, library).path
    assert base.parent == tmp_path / "lean-confirmed"
    assert memory_for(tmp_path, field.theory, field.path, library).path == base  # stable
    assert memory_for(tmp_path, calculus.theory, field.path, library).path != base
    assert memory_for(tmp_path, field.theory, calculus.path, library).path != base
    copy = tmp_path / "field.yaml"
    copy.write_bytes(field.path.read_bytes() + b"\n# a comment\n")
    assert memory_for(tmp_path, field.theory, copy, library).path != base
    library.write_bytes(b"two")
    other_library = memory_for(tmp_path, field.theory, field.path, library).path
    assert other_library != base
    code = tmp_path / "package"
    code.mkdir()
    (code / "mod.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(confirmed, "PACKAGE", code)
    package_digest.cache_clear()
    try:
        first = memory_for(tmp_path, field.theory, field.path, library).path
        assert first != other_library
        (code / "mod.py").write_text("A = 2\n", encoding="utf-8")
        package_digest.cache_clear()
        assert memory_for(tmp_path, field.theory, field.path, library).path != first
    finally:
        package_digest.cache_clear()


def _theorem(name: str, proof: str) -> LeanTheorem:
    return LeanTheorem(name, "∀ (x : R), Eq x x", proof)


def test_only_what_both_routes_accepted_alike_is_confirmed_and_the_spread_counted() -> None:
    """`lean` accepted a and d; b it rejected, c it could not finish, and on d the direct
    kernel ran out of its limits (which agrees with anything, but confirms nothing)."""
    sample = [_theorem(n, f"f{n} x") for n in "abcd"]
    direct = Settled({n: Accepted(("X.ax",)) for n in "abc"} | {"d": Rejected(LIMIT)}, {})
    lean = Settled(
        {"a": Accepted(("X.ax",)), "b": Rejected("no"), "c": Rejected(LIMIT), "d": Accepted(())},
        {},
    )
    got = confirmed_of(Sample(tuple(sample), frozenset({"a", "b"})), direct, lean)
    assert got.spread == 1
    assert "fa" in got.names and not {"fb", "fc", "fd"} & got.names


def test_a_run_after_enough_confirmed_spread_shows_lean_the_first_theorem_and_new_names() -> None:
    route = DirectRoute(setup=None, sample_every=2)  # type: ignore[arg-type]
    batch = [_theorem(f"t{k}", "fun x => known x") for k in range(30)]
    batch[7] = _theorem("t7", "fun x => fresh x")
    names = frozenset({"fun", "x", "=>", "known", "∀", ":", "R", "Eq"})
    owed = Coverage.after(Confirmed(names, SPREAD_CONFIRMED - 1))
    assert [t.name for t in lean_sample(route, owed, batch, 0).theorems] == [
        "t0", "t7", "t10", "t20"
    ]  # fmt: skip
    thin = Coverage.after(Confirmed(names, SPREAD_CONFIRMED))
    sample = lean_sample(route, thin, batch, 0)
    assert [t.name for t in sample.theorems] == ["t0", "t7"] and sample.spread == {"t0"}
    assert lean_sample(route, thin, batch, 1).theorems == ()  # not a sampled batch, all seen
    assert [t.name for t in lean_sample(route, thin, batch, 2).theorems] == ["t0"]
