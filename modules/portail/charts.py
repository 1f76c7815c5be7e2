"""Server-rendered SVG bar charts for the transparency pages: no script, no CDN, a few hundred bytes, right to left
in Arabic (labels on the right, bars growing leftwards), readable by screen readers (role="img", a title, and
the same figures in the table under the chart)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from jamaa.platform.kernel.portal import Chart, Value

PALETTE = ("#0b6e4f", "#9a3412", "#1d4ed8", "#6b21a8", "#854d0e")  # each ≥ 4.5:1 on white
WIDTH = 340  # fits a 360 px phone; the SVG scales down with its box
LABEL_W = 110
ROW_H = 22
MAX_BARS = 24


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[tuple[str, float], ...]  # (series, value)


def _num(value: Value) -> float:
    if isinstance(value, (int, Decimal)):
        return float(value)
    return 0.0


def bars(chart: Chart, rows: Iterable[Mapping[str, Value]]) -> list[Bar]:
    """Sum `value` per `label` (and per `series`), in first-seen order; the last MAX_BARS labels."""
    grouped: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()
    for row in rows:
        label = str(row.get(chart.label) or "—")
        series = str(row.get(chart.series) or "") if chart.series else ""
        per = grouped.setdefault(label, OrderedDict())
        per[series] = per.get(series, 0.0) + _num(row.get(chart.value))
    items = list(grouped.items())[-MAX_BARS:]
    return [Bar(label=label, values=tuple(per.items())) for label, per in items]


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f") if abs(value) >= 100 else f"{value:g}"


def svg(*, chart_bars: list[Bar], title: str, rtl: bool) -> str:
    """The chart as an inline <svg> (stacked bars when there are series)."""
    series = list(OrderedDict.fromkeys(s for b in chart_bars for s, _v in b.values))
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    top = max((sum(v for _s, v in b.values) for b in chart_bars), default=0.0) or 1.0
    legend_h = ROW_H if len(series) > 1 else 0
    height = legend_h + ROW_H * max(len(chart_bars), 1) + 4
    span = WIDTH - LABEL_W - 50
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    if legend_h:
        x: float = WIDTH - 4 if rtl else 4
        for s in series:
            label = escape(s or "—")
            if rtl:
                out.append(f'<rect x="{x - 10}" y="5" width="10" height="10" fill="{colours[s]}"/>')
                out.append(f'<text x="{x - 14}" y="14" text-anchor="end" font-size="11">{label}</text>')
                x -= 24 + 7 * len(s)
            else:
                out.append(f'<rect x="{x}" y="5" width="10" height="10" fill="{colours[s]}"/>')
                out.append(f'<text x="{x + 14}" y="14" font-size="11">{label}</text>')
                x += 24 + 7 * len(s)
    for i, bar in enumerate(chart_bars):
        y = legend_h + i * ROW_H
        label = escape(bar.label[:18])
        total = sum(v for _s, v in bar.values)
        if rtl:
            out.append(f'<text x="{WIDTH - 2}" y="{y + 15}" text-anchor="end" font-size="11">{label}</text>')
            edge: float = WIDTH - LABEL_W
            for s, v in bar.values:
                w = max(span * v / top, 0)
                out.append(f'<rect x="{edge - w:.1f}" y="{y + 4}" width="{w:.1f}" height="14" fill="{colours[s]}"/>')
                edge -= w
            out.append(f'<text x="{edge - 3:.1f}" y="{y + 15}" text-anchor="end" font-size="11">{_fmt(total)}</text>')
        else:
            out.append(f'<text x="2" y="{y + 15}" font-size="11">{label}</text>')
            edge = float(LABEL_W)  # noqa: PLW2901
            for s, v in bar.values:
                w = max(span * v / top, 0)
                out.append(f'<rect x="{edge:.1f}" y="{y + 4}" width="{w:.1f}" height="14" fill="{colours[s]}"/>')
                edge += w
            out.append(f'<text x="{edge + 3:.1f}" y="{y + 15}" font-size="11">{_fmt(total)}</text>')
    out.append("</svg>")
    return "".join(out)
