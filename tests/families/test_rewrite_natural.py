"""The naturalness knob of rewrite theorems (`generate --natural`): statements drawn exactly as
`generate` draws them have no identity element, numeral arithmetic, degenerate piece or sign
game, while the default still draws today's walks."""

from __future__ import annotations

from rpsdg_formal.families.rewrite_family import RewriteFamily
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.terms.artifacts import NATURAL, artifact_kinds
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

FIELD = load_rules(rules_path("field"))


def _statements(natural: bool, count: int) -> list[tuple[str, str]]:
    draw = RewriteFamily(walk=WalkConfig(natural=natural)).drawer(FIELD)
    records = [draw(f"t{i}", i, 21).record for i in range(count)]
    return [(r.start, r.end) for r in records if r is not None]


def _flagged(statements: list[tuple[str, str]]) -> list[str]:
    sig = FIELD.theory.signature
    return [
        f"{start} = {end}"
        for start, end in statements
        if any(artifact_kinds(parse_expr(t, sig), sig) & set(NATURAL) for t in (start, end))
    ]


def test_natural_statements_have_no_artifact() -> None:
    statements = _statements(True, 40)
    assert len(statements) >= 30
    assert _flagged(statements) == []


def test_the_default_is_todays_walk_and_has_artifacts() -> None:
    """The knob is off by default, and the detector sees what the default walk leaves."""
    assert WalkConfig().natural is False
    statements = _statements(False, 40)
    assert len(_flagged(statements)) > len(statements) // 2
