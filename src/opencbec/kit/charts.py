"""Small server-rendered charts: the geometry of a bar chart, drawn as inline SVG by a template.

Pure computation (no web, no database): a page passes values, the template draws rectangles
with CSS classes, so no script and no inline style is needed (the CSP allows neither).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 180
AXIS: Final = 22  # room under the bars for the tick labels
TOP: Final = 16  # room above the tallest bar for its value


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value, and where it is drawn (SVG user units)."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    tick: bool  # whether its label is printed under it (long series print every few)


@dataclass(frozen=True, slots=True)
class BarChart:
    """A titled bar chart ready to draw; `translate` says whether labels are message ids."""

    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    max_value: int
    translate: bool = False

    @property
    def total(self) -> int:
        """The sum of the bars' values."""
        return sum(b.value for b in self.bars)


def bar_chart(
    title: str,
    points: Sequence[tuple[str, int]],
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    translate: bool = False,
    max_ticks: int = 10,
) -> BarChart:
    """Lay out `points` (label, value >= 0) as bars scaled to the largest value."""
    if any(value < 0 for _, value in points):
        raise ValueError("bar values must not be negative")
    baseline = float(height - AXIS)
    top = max((value for _, value in points), default=0)
    slot = width / len(points) if points else float(width)
    gap = min(4.0, slot * 0.2)
    every = max(1, -(-len(points) // max_ticks))  # ceiling division
    bars = []
    for i, (label, value) in enumerate(points):
        bar_height = (baseline - TOP) * value / top if top else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(i * slot + gap / 2, 2),
                y=round(baseline - bar_height, 2),
                width=round(slot - gap, 2),
                height=round(bar_height, 2),
                tick=(len(points) - 1 - i) % every == 0,
            )
        )
    return BarChart(
        title=title,
        bars=tuple(bars),
        width=width,
        height=height,
        baseline=baseline,
        max_value=top,
        translate=translate,
    )
