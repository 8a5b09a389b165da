"""Small charts drawn on the server as SVG: no chart library, a few hundred bytes each."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from hoiso.core import formats

# The axis ends on a round figure: the first of these (times a power of ten) at or above the top.
_ROUND_TOPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def round_top(top: float) -> float:
    """The round figure the axis ends on: 96.0784 → 100, 67.7 → 80, 1234 → 1500."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    return next(step * power for step in _ROUND_TOPS if step * power >= top * (1 - 1e-9))


def _label(value: float, suffix: str) -> str:
    """A value as the union writes it: 53,2% for a percentage, 1.234 otherwise."""
    return formats.percent(value) if suffix == "%" else formats.decimal(value) + suffix


def bar_chart(
    points: Sequence[tuple[str, float, bool]],
    *,
    line: float | None = None,
    top: float = 100.0,
    title: str = "",
    suffix: str = "%",
) -> SafeString:
    """Bars for (label, value, good) with an optional dashed line (a required level).

    Good bars are green, the others red; the chart scales to its container's width. The axis
    ends on a round figure and every number is written as in the rest of the pages.
    """
    width, height, pad_left, pad_bottom, pad_top = 320, 120, 26, 16, 8
    plot_h = height - pad_bottom - pad_top
    n = max(1, len(points))
    slot = (width - pad_left) / n
    bar = max(2.0, slot * 0.7)
    top = max(top, line or 0, *(v for _l, v, _g in points)) if points else top
    top = round_top(top)

    def y(v: float) -> float:
        return pad_top + plot_h - (v / top) * plot_h if top else pad_top + plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_left}" y1="{y(0):.1f}" x2="{width}" y2="{y(0):.1f}" stroke="#bbb"/>',
        f'<text x="{pad_left - 3}" y="{y(top) + 4:.1f}" text-anchor="end">{escape(_label(top, suffix))}</text>',
        f'<text x="{pad_left - 3}" y="{y(0):.1f}" text-anchor="end">0</text>',
    ]
    for i, (label, value, good) in enumerate(points):
        x = pad_left + i * slot + (slot - bar) / 2
        colour = "#2e7d32" if good else "#c62828"
        h = y(0) - y(value)
        parts.append(
            f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(_label(value, suffix))}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 3}" text-anchor="middle">{escape(label)}</text>'
        )
    if line is not None:
        parts.append(
            f'<line x1="{pad_left}" y1="{y(line):.1f}" x2="{width}" y2="{y(line):.1f}" '
            f'stroke="#333" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part above is escaped
