"""SVG charts for /admin pages: drawn on the server as pictures with axes, ticks and labels (no
script, no chart library: a few dozen lines of SVG are less than a dependency and its CSP needs).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 40
COLOURS = ("#3b6ef5", "#e0543d", "#2f9e5b", "#9b59b6", "#d4a017")


def _y_ticks(top: float) -> list[float]:
    return [top * n / 4 for n in range(5)]


def line_chart(*, title: str, days: Sequence[str], series: Mapping[str, Sequence[float | None]], y_label: str,
               y_max: float | None = None, percent: bool = False) -> str:
    """One line per series over `days` (a gap where a value is None), y from 0 to `y_max` (or the largest value)."""
    values = [v for line in series.values() for v in line if v is not None]
    top = y_max if y_max is not None else max(values, default=0.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(v, top) / top)

    def label(v: float) -> str:
        return f"{v:.0%}" if percent else (f"{v:.2f}" if top <= 5 else f"{v:.0f}")

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{html.escape(title)}" class="chart">',
             f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#555"/>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#555"/>',
             (f'<text x="12" y="{TOP + plot_h / 2}" font-size="11" transform="rotate(-90 12 {TOP + plot_h / 2})" text-anchor="middle">'
              f'{html.escape(y_label)}</text>')]
    for tick in _y_ticks(top):
        parts.append(f'<line x1="{LEFT - 4}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}" stroke="#eee"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">{label(tick)}</text>')
    step = max(1, len(days) // 8)
    for i, day in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 16}" font-size="10" text-anchor="middle">{html.escape(day[5:])}</text>')
    for n, (name, line) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(line):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
            for point in run:
                cx, cy = point.split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}" class="point"/>')
        parts.append(f'<rect x="{LEFT + 8 + 130 * n}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{LEFT + 22 + 130 * n}" y="{HEIGHT - 5}" font-size="11">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(*, title: str, bars: Mapping[str, float], x_label: str) -> str:
    """Horizontal bars, one per key (handoffs by reason), with their values written beside them."""
    top = max(bars.values(), default=0.0) or 1.0
    row = 22
    height = TOP + row * max(1, len(bars)) + 30
    label_w = 140
    plot_w = WIDTH - label_w - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{html.escape(title)}" class="chart">',
             f'<text x="8" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>']
    for i, (name, value) in enumerate(bars.items()):
        y0 = TOP + row * i
        parts.append(f'<text x="{label_w - 6}" y="{y0 + 14}" font-size="11" text-anchor="end">{html.escape(name)}</text>'
                     f'<rect x="{label_w}" y="{y0 + 3}" width="{plot_w * value / top:.1f}" height="{row - 6}" fill="{COLOURS[0]}" class="bar"/>'
                     f'<text x="{label_w + plot_w * value / top + 4:.1f}" y="{y0 + 14}" font-size="11">{value:g}</text>')
    parts.append(f'<line x1="{label_w}" y1="{TOP}" x2="{label_w}" y2="{TOP + row * max(1, len(bars))}" stroke="#555"/>'
                 f'<text x="{label_w + plot_w / 2}" y="{height - 6}" font-size="11" text-anchor="middle">{html.escape(x_label)}</text></svg>')
    return "".join(parts)
