"""How often a dataset shows what no textbook prints: artifact rates per family and field.

Each record's shown expressions are re-read with its theory's parser (the shipped rule file
named by `theory`) and searched with `terms.artifacts`: for a rewrite theorem the two sides of
its statement, for an equation the sides of every equation it asks to solve (the answer is
`x = c`; a system's left sides as its problem prints them, `x + 3 * y` for the recorded
`1 * x + 3 * y`, `terms.reading`, records written before that printing included), for an
integration problem the integrand (problem) and F (answer; a term of F free of x counts as
`constant-term`, since `+ C` absorbs it). A record whose theory is not shipped or whose text
does not parse is counted as unread, never as clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rpsdg_formal.errors import ConfigError, ExprSyntaxError
from rpsdg_formal.terms.artifacts import ACCEPTANCE, KINDS, artifact_kinds, constant_summand
from rpsdg_formal.terms.expr import Expr
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.reading import linear_reading
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

CONSTANT_TERM = "constant-term"
ANY_ACCEPTANCE = "identity-or-numeral"
COLUMNS = (*KINDS, CONSTANT_TERM, ANY_ACCEPTANCE)
"""The columns of the table: each artifact kind, then the two summaries."""


@dataclass(frozen=True)
class Rate:
    """How many of `total` shown items (problems or answers) of one family had each kind."""

    family: str
    field: str
    total: int
    unread: int
    counts: tuple[tuple[str, int], ...]

    def count(self, kind: str) -> int:
        return dict(self.counts).get(kind, 0)

    def percent(self, kind: str) -> float:
        read = self.total - self.unread
        return 100.0 * self.count(kind) / read if read else 0.0


@cache
def _signature(theory: str) -> Signature | None:
    """The signature of a shipped theory (None if `theory` is not shipped)."""
    try:
        return load_rules(rules_path(theory)).theory.signature
    except ConfigError:
        return None


def _shown(record: dict[str, Any], sig: Signature) -> list[tuple[str, list[Expr]]]:
    """The (field, expressions) a record shows: `statement`, or `problem` and `answer`."""
    if isinstance(record.get("system"), list):
        sides = [parse_expr(str(text), sig) for pair in record["system"] for text in pair]
        if record.get("family") == "equation-system":  # left sides as the problem prints them
            sides[::2] = [linear_reading(lhs) for lhs in sides[::2]]
        return [("problem", sides)]
    if "integrand" in record:
        start = parse_expr(str(record["start"]), sig)
        answer = start.args[0] if start.args else start
        return [("problem", [parse_expr(str(record["end"]), sig)]), ("answer", [answer])]
    return [("statement", [parse_expr(str(record[k]), sig) for k in ("start", "end")])]


def _read(record: dict[str, Any], sig: Signature) -> list[tuple[str, list[Expr]]] | None:
    """`_shown`, or None when the record's text does not parse."""
    try:
        return _shown(record, sig)
    except (ExprSyntaxError, KeyError, TypeError):
        return None


def _variable(sig: Signature) -> str | None:
    """The model name of the theory's variable constant (`x` in the calculus), if it has one."""
    return next((op.model for op in sig.operators if op.arity == 0), None)


def _kinds(field: str, exprs: Iterable[Expr], sig: Signature) -> set[str]:
    kinds: set[str] = set()
    variable = _variable(sig)
    for expr in exprs:
        kinds |= artifact_kinds(expr, sig)
        if field == "answer" and variable and constant_summand(expr, sig, variable):
            kinds.add(CONSTANT_TERM)
    if kinds & set(ACCEPTANCE):
        kinds.add(ANY_ACCEPTANCE)
    return kinds


def _family(record: dict[str, Any]) -> str:
    return str(record.get("family") or record.get("theory") or "?")


def artifact_rates(records: Sequence[dict[str, Any]]) -> list[Rate]:
    """The artifact counts of `records`, one `Rate` per (family, field), in first-seen order."""
    totals: dict[tuple[str, str], list[int]] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for record in records:
        family = _family(record)
        sig = _signature(str(record.get("theory")))
        shown = _read(record, sig) if sig is not None else None
        if sig is None or shown is None:
            unread = totals.setdefault((family, "unread"), [0, 0])
            unread[0] += 1
            unread[1] += 1
            continue
        for field, exprs in shown:
            total = totals.setdefault((family, field), [0, 0])
            total[0] += 1
            tally = counts.setdefault((family, field), {})
            for kind in _kinds(field, exprs, sig):
                tally[kind] = tally.get(kind, 0) + 1
    return [
        Rate(family, field, total, unread, tuple(sorted(counts.get((family, field), {}).items())))
        for (family, field), (total, unread) in totals.items()
    ]


def rates_markdown(rates: Sequence[Rate]) -> list[str]:
    """The rates as a Markdown table (percent of the read items, count in brackets)."""
    lines = [
        "| family | field | items | " + " | ".join(COLUMNS) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    for rate in rates:
        cells = [f"{rate.percent(k):.1f}% ({rate.count(k)})" for k in COLUMNS]
        items = f"{rate.total}" + (f" ({rate.unread} unread)" if rate.unread else "")
        lines.append(f"| {rate.family} | {rate.field} | {items} | " + " | ".join(cells) + " |")
    return lines
