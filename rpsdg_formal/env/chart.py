"""The evaluation chart, drawn by hand as SVG (no plotting library): per curriculum level, the
success rate and the mean search effort, in two side-by-side line charts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape


def _nice_step(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (a tick spacing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value - 1e-9)


@dataclass(frozen=True)
class _Axis:
    """A y axis: its title, ticks every `step` from 0 to `top`, point labels with `digits`
    decimals."""

    label: str
    top: float
    step: float
    digits: int = 0

    @classmethod
    def spanning(cls, label: str, largest: float, digits: int = 0) -> _Axis:
        """An axis from 0 to a round value at or above `largest`, with about five ticks."""
        largest = largest if largest > 0 else 1.0
        step = _nice_step(largest / 5)
        return cls(label, step * max(1, math.ceil(largest / step - 1e-9)), step, digits)

    def ticks(self) -> list[float]:
        """The tick values, 0 first."""
        return [self.step * k for k in range(round(self.top / self.step) + 1)]


_LEFT, _TOP, _BOTTOM, _WIDTH = 60.0, 84.0, 300.0, 260.0  # plot area of a panel (x from x0)


def _panel(
    x0: float,
    title: str,
    axis: _Axis,
    levels: Sequence[int],
    values: Sequence[float | None],
    colour: str,
) -> list[str]:
    """One line chart of `values` per level in a 360-pixel-wide panel whose left edge is `x0`:
    axes, grid lines, tick labels, axis titles, and each point labelled with its value."""
    left, right = x0 + _LEFT, x0 + _LEFT + _WIDTH

    def x_of(i: int) -> float:
        return left + _WIDTH * (i + 0.5) / len(levels)

    def y_of(v: float) -> float:
        return _BOTTOM - (_BOTTOM - _TOP) * v / axis.top

    middle = (_TOP + _BOTTOM) / 2
    parts = [
        f'<text x="{left + _WIDTH / 2:.1f}" y="{_TOP - 16}" text-anchor="middle" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<text x="{x0 + 16}" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 {x0 + 16} {middle:.1f})">{escape(axis.label)}</text>',
        f'<text x="{left + _WIDTH / 2:.1f}" y="{_BOTTOM + 40}" text-anchor="middle">'
        "curriculum level (easy → hard)</text>",
    ]
    for tick in axis.ticks():
        y = y_of(tick)
        parts.append(
            f'<line x1="{left - 4}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 7}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    for i, level in enumerate(levels):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{_BOTTOM + 18}" text-anchor="middle">{level}</text>'
        )
    parts += [
        f'<line x1="{left}" y1="{_BOTTOM}" x2="{right}" y2="{_BOTTOM}" stroke="black"/>',
        f'<line x1="{left}" y1="{_TOP}" x2="{left}" y2="{_BOTTOM}" stroke="black"/>',
    ]
    points = [(x_of(i), y_of(v), v) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y, v in points:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle">{v:.{axis.digits}f}</text>'
        )
    return parts


def levels_chart(
    levels: Sequence[int],
    rates: Sequence[float | None],
    spent: Sequence[float | None],
    subtitle: str,
) -> str:
    """The SVG document: success rate (%) and mean expansions per level in two panels, with
    `subtitle` under the title; a level without a value has no point."""
    largest = max([v for v in spent if v is not None], default=1.0)
    body = [
        '<rect width="720" height="360" fill="white"/>',
        '<text x="360" y="24" text-anchor="middle" font-size="15" font-weight="bold">'
        "Baseline prover per curriculum level</text>",
        f'<text x="360" y="44" text-anchor="middle">{escape(subtitle)}</text>',
        *_panel(
            0,
            "Success rate",
            _Axis("theorems proved (%)", 100.0, 20.0, 1),
            levels,
            rates,
            "#1f77b4",
        ),
        *_panel(
            360,
            "Search effort",
            _Axis.spanning("mean expansions per theorem", largest, 1),
            levels,
            spent,
            "#d62728",
        ),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="360" '
        'viewBox="0 0 720 360" font-family="sans-serif" font-size="12">\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
