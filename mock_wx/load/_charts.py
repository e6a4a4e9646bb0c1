"""Tiny inline-SVG line charts for the HTML report (no JS, no CDN)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea")


def _nice_max(v: float) -> float:
    if v <= 0 or math.isnan(v):
        return 1.0
    mag = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * mag:
            return m * mag
    return 10 * mag


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v >= 10 or v == 0 else f"{v:.2g}"


def line_chart(title: str, xs: Sequence[float], lines: dict[str, Sequence[float]], unit: str = "",
               width: int = 640, height: int = 220) -> str:
    """An SVG chart of one or more series over xs (seconds); NaN values leave gaps."""
    left, right, top, bottom = 52, 12, 28, 28
    w, h = width - left - right, height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="16" class="title">{escape(title)}</text>']
    finite = [v for vals in lines.values() for v in vals if not math.isnan(v)]
    ymax = _nice_max(max(finite, default=0.0))
    xmin, xmax = (min(xs), max(xs)) if xs else (0.0, 1.0)
    xspan = (xmax - xmin) or 1.0
    for i in range(5):  # horizontal grid + y labels
        y = top + h - h * i / 4
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
                     f'{_fmt(ymax * i / 4)}{escape(unit)}</text>')
    for i in range(5):  # x labels: seconds since start
        x = left + w * i / 4
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" class="axis" text-anchor="middle">'
                     f'{_fmt(xspan * i / 4)}s</text>')
    for n, (label, vals) in enumerate(lines.items()):
        colour = _COLOURS[n % len(_COLOURS)]
        segs: list[list[str]] = [[]]
        for x, v in zip(xs, vals, strict=False):
            if math.isnan(v):
                segs.append([])
                continue
            px = left + w * (x - xmin) / xspan
            py = top + h - h * min(v / ymax, 1.0)
            segs[-1].append(f"{px:.1f},{py:.1f}")
        for seg in segs:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{colour}"/>')
            elif seg:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
                             f'points="{" ".join(seg)}"/>')
        lx = left + 8 + 110 * n
        parts.append(f'<rect x="{lx}" y="{top + 4}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14}" y="{top + 13}" class="legend">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
