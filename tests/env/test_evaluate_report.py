"""`evaluation.md` says what ran: the rewrite search, the forward search of single equations,
or both (synthetic reports, no kernel)."""

from __future__ import annotations

from rpsdg_formal.env.evaluate import EvaluationReport, LevelReport, markdown_report
from rpsdg_formal.env.search import DEFAULT_SEARCH


def _report(forward: int, attempted: int) -> EvaluationReport:
    level = LevelReport(1, attempted, attempted, 0, 0, 3.0, 3.0, 8.0, 7.0)
    return EvaluationReport("cur", 8, DEFAULT_SEARCH, (level,), (), 1.0, 1.0, 10, forward=forward)


def test_an_equations_report_describes_the_search_that_ran() -> None:
    """Before, a report of equations only opened with the rewrite search's priority and size
    cap, which none of its theorems ran, and then said they were searched "instead"."""
    only = markdown_report(_report(forward=300, attempted=300))
    assert "the 300 single equations were searched forward" in only
    assert "mismatch of the two sides" not in only and "instead" not in only
    mixed = markdown_report(_report(forward=2, attempted=5))
    assert "mismatch of the two sides" in mixed and "The 2 single equations" in mixed
    rewrites = markdown_report(_report(forward=0, attempted=5))
    assert "mismatch of the two sides" in rewrites and "searched forward" not in rewrites
