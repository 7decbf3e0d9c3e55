"""The Mathlib table: every shipped rule has an entry, and every lemma entry is the rule's
equation up to renaming (and swapping sides), with arguments that exist in its statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.tactics.mathlib import (
    HYPOTHESIS,
    correspondence,
    load_table,
    read_table,
    statement_variables,
)
from rpsdg_formal.theory.rules import RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    {*ROOT.glob("rules/*.yaml"), *ROOT.glob("rpsdg_formal/data/rules/*.yaml")}, key=str
)
RULE_SETS = [load_rules(p) for p in SHIPPED]


def test_the_shipped_rule_files_are_found() -> None:
    assert {p.stem for p in SHIPPED} >= {"field", "calculus", "equation"}


@pytest.mark.parametrize("rules", RULE_SETS, ids=[p.stem for p in SHIPPED])
def test_every_shipped_rule_has_an_entry(rules: RuleSet) -> None:
    table = load_table()
    missing = [r.name for r in rules.rules if r.name not in table.entries]
    assert missing == []


@pytest.mark.parametrize("rules", RULE_SETS, ids=[p.stem for p in SHIPPED])
def test_lemma_entries_state_the_rule(rules: RuleSet) -> None:
    table = load_table()
    sig = rules.theory.signature
    for rule in rules.rules:
        entry = table.entry(rule.name)
        if entry.lemma is None:
            assert entry.tactic in ("norm_num", "ring", "simp", "none"), rule.name
            assert entry.note, f"{rule.name}: say why Mathlib has no lemma"
            continue
        fit = correspondence(entry, rule, sig)  # raises if it is not the rule's equation
        assert sorted(fit.renaming.values()) == sorted(rule.variables), rule.name
        names = statement_variables(entry, sig)
        assert all(a in names or a == HYPOTHESIS for a in entry.args), rule.name
        assert (HYPOTHESIS in entry.args) == bool(rule.conditions), rule.name
        assert entry.file.startswith("Mathlib/") and entry.file.endswith(".lean"), rule.name


def test_evaluated_rules_are_norm_num_or_simp_facts() -> None:
    table = load_table()
    for rules in RULE_SETS:
        for rule in rules.rules:
            if rule.evaluate is not None:
                assert table.entry(rule.name).tactic in ("norm_num", "simp"), rule.name


def test_known_mathlib_facts() -> None:
    """Facts read in Mathlib's source that the issue reports were rendered wrongly."""
    table = load_table()
    assert table.entry("one_add_one").lemma == "one_add_one_eq_two"
    neg_div = table.entry("neg_div")
    assert (neg_div.statement, neg_div.args) == ("-b / a = -(b / a)", ("a", "b"))
    assert table.entry("mul_inv_cancel").lemma == "mul_inv_cancel₀"
    assert table.entry("sub_add_cancel_left").lemma == "add_sub_cancel_left"
    assert "add_sub_cancel_left" in table.declarations()
    assert table.entry("D_add").tactic == "none"


def _refused(tmp_path: Path, theory: str, rule: str, entry: str, reason: str) -> None:
    """A table whose one entry for `rule` (of `theory`) is `entry` is refused for `reason`."""
    bad = tmp_path / "table.yaml"
    text = f"rules:\n  {rule}: {{{entry}, file: Mathlib/Algebra/Group/Defs.lean}}\n"
    bad.write_text(text, encoding="utf-8")
    rules = next(r for r in RULE_SETS if r.theory.name == theory)
    with pytest.raises(ConfigError, match=reason):
        correspondence(read_table(bad).entry(rule), rules.by_name(rule), rules.theory.signature)


def test_a_statement_that_is_not_the_rule_is_refused(tmp_path: Path) -> None:
    entry = "lemma: add_comm, statement: 'a + b = a + b', args: [a, b]"
    _refused(tmp_path, "field", "add_comm", entry, "not rule 'add_comm'")


def test_a_malformed_table_names_its_entry(tmp_path: Path) -> None:
    bad = tmp_path / "table.yaml"
    bad.write_text("rules:\n  add_comm: {lemma: add_comm, tactic: ring}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="add_comm"):
        read_table(bad)
    with pytest.raises(ConfigError, match="has no entry"):
        load_table().entry("no_such_rule")


def test_which_side_is_which_is_stated_and_checked(tmp_path: Path) -> None:
    """`pow_two (a : M) : a ^ 2 = a * a` states the calculus rule `a * a = a^2` right to left;
    an entry that says otherwise is refused."""
    assert load_table().entry("mul_self").swapped
    assert not load_table().entry("neg_div").swapped
    entry = "lemma: pow_two, statement: 'a^2 = a * a', sides: same, args: [a]"
    _refused(tmp_path, "calculus", "mul_self", entry, "sides same")
