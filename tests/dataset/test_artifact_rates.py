"""Artifact rates per family and field, from records of each shape: rewrite statements, equations,
integration problems with their answers; an unreadable record is counted as unread, never clean;
`stats` prints the table and puts it, with the patterns, in summary.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from synthetic_records import make_record, write_dataset

from rpsdg_formal.cli.main import main
from rpsdg_formal.dataset.artifact_rates import (
    ANY_ACCEPTANCE,
    CONSTANT_TERM,
    artifact_rates,
    rates_markdown,
)
from rpsdg_formal.dataset.stats import write_stats
from rpsdg_formal.terms.artifacts import IDENTITY, NUMERAL, PATTERNS


def _rewrite(i: int, start: str, end: str) -> dict[str, Any]:
    return make_record(i, 2, 3, start=start, end=end)


def _equation(i: int, lhs: str, rhs: str) -> dict[str, Any]:
    return make_record(i, 2, 3, theory="equation", family="equation", system=[[lhs, rhs]])


def _calculus(i: int, antiderivative: str, integrand: str) -> dict[str, Any]:
    return make_record(
        i,
        1,
        3,
        theory="calculus",
        family="antiderivative",
        start=f"D({antiderivative})",
        end=integrand,
        integrand="ignored",
    )


RECORDS = [
    _rewrite(0, "y * x + x", "x * (y * 1) / 1 + (x + 0 * x)"),  # identity
    _rewrite(1, "y * x + x", "x * (y + 1)"),  # clean
    _equation(2, "1 * (x - 3) - 1 * (6 * x) + 8", "8 - 6 * x + 8"),  # identity and numeral
    _equation(3, "3 * (x + 2) - 4", "11"),  # clean
    _equation(4, "x + 3 + 3", "8"),  # numeral
    _calculus(5, "x^2 - 3", "2 * x"),  # the answer has a constant term
    _calculus(6, "x^3 / 1^2", "3 * x^2 / 1^2"),  # numeral in both
    _calculus(7, "sin(x)", "cos(x)"),  # clean
]


def _by_field(records: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    return {(r.family, r.field): r for r in artifact_rates(records)}


def test_rates_count_each_family_and_field() -> None:
    rates = _by_field(RECORDS)
    assert set(rates) == {
        ("field", "statement"),
        ("equation", "problem"),
        ("antiderivative", "problem"),
        ("antiderivative", "answer"),
    }
    statement = rates[("field", "statement")]
    assert (statement.total, statement.count(IDENTITY), statement.count(ANY_ACCEPTANCE)) == (
        2,
        1,
        1,
    )
    assert statement.percent(IDENTITY) == 50.0
    equation = rates[("equation", "problem")]
    assert (equation.count(IDENTITY), equation.count(NUMERAL), equation.count(ANY_ACCEPTANCE)) == (
        1,
        2,
        2,
    )
    problem, answer = rates[("antiderivative", "problem")], rates[("antiderivative", "answer")]
    assert (problem.count(NUMERAL), answer.count(NUMERAL)) == (1, 1)
    assert answer.count(CONSTANT_TERM) == 1
    assert problem.count(CONSTANT_TERM) == 0  # a constant term only matters in F


def test_a_systems_problem_is_read_as_it_prints_its_left_sides() -> None:
    """A system's problem prints `x + 3 * y` for the recorded `1 * x + 3 * y` (`terms.reading`),
    so its coefficients 1 are no artifact; a single equation's `1 * x` still is."""
    system = [["1 * x + 3 * y", "27"], ["5 * x + 1 * y", "65"]]
    records = [
        make_record(0, 2, 3, theory="equation", family="equation-system", system=system),
        make_record(1, 2, 3, theory="equation", family="equation", system=[["1 * x + 3", "7"]]),
    ]
    rates = _by_field(records)
    assert rates[("equation-system", "problem")].count(IDENTITY) == 0
    assert rates[("equation", "problem")].count(IDENTITY) == 1


def test_unreadable_records_are_unread_not_clean() -> None:
    records = [
        _rewrite(0, "x +* 2", "x"),
        {**_rewrite(1, "x", "x"), "theory": "no-such-theory"},
        _rewrite(2, "x + 0", "x"),
    ]
    rates = _by_field(records)
    assert rates[("field", "unread")].total == 1
    assert rates[("no-such-theory", "unread")].total == 1
    assert rates[("field", "statement")].total == 1
    assert rates[("field", "statement")].count(IDENTITY) == 1


def test_markdown_has_one_row_per_family_and_field() -> None:
    lines = rates_markdown(artifact_rates(RECORDS))
    assert lines[0].startswith("| family | field | items |")
    assert len(lines) == 2 + 4
    assert "| equation | problem | 3 |" in "\n".join(lines)


def test_stats_summary_lists_rates_and_patterns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the `plots` extra)")
    dataset = write_dataset(tmp_path / "data", RECORDS)
    write_stats(dataset, tmp_path / "stats")
    summary = (tmp_path / "stats" / "summary.md").read_text(encoding="utf-8")
    assert "## Artifacts (what no textbook prints)" in summary
    assert "| antiderivative | answer | 3 |" in summary
    for kind in PATTERNS:
        assert f"- `{kind}`: " in summary
    assert main(["stats", str(dataset), "--out", str(tmp_path / "again")]) == 0
    assert "| equation | problem | 3 |" in capsys.readouterr().out
