"""Static SVG charts for the comparison report: horizontal and vertical bars, stacked bars,
heatmaps. No JavaScript and no network: each chart is an <svg> string placed in the page.

Text stays text (real <text> elements in the page's font, so Vietnamese diacritics render,
can be searched and copied); every mark has a <title> that the browser shows on hover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

FONT = 13
CHAR_W = 0.6 * FONT  # average glyph width used to size label columns
BAR_H = 18
GAP = 5
BAR_COLOR = "#2f6f9f"
# 10 distinguishable colours (Tableau 10) + grey for "other"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#79706e")
OTHER_COLOR = "#c9c9c9"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:,.0f}".replace(",", ".") if float(v).is_integer() else f"{v:.1f}".replace(".", ",")


def _clip(label: str, max_chars: int) -> str:
    return label if len(label) <= max_chars else label[: max_chars - 1] + "…"


def _label_width(labels: Sequence[str], max_chars: int) -> float:
    longest = max((len(_clip(s, max_chars)) for s in labels), default=4)
    return min(max_chars, longest) * CHAR_W + 10


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(label)}" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-size="{FONT}">' + "".join(body) + "</svg>")


def empty(message: str = "Không có dữ liệu") -> str:
    return f'<p class="empty">{_e(message)}</p>'


def hbar(items: Sequence[tuple[str, float]], label: str, width: int = 640, max_chars: int = 40,
         color: str = BAR_COLOR, unit: str = "") -> str:
    """One horizontal bar per (label, value), in the order given, value written at the bar's end."""
    if not any(v for _, v in items):
        return empty()
    left = _label_width([s for s, _ in items], max_chars)
    plot = width - left - 50
    vmax = max(v for _, v in items) or 1
    body = []
    for i, (name, value) in enumerate(items):
        y = i * (BAR_H + GAP)
        w = plot * value / vmax
        body.append(
            f'<g><title>{_e(name)}: {_num(value)}{_e(unit)}</title>'
            f'<text x="{left - 6:.0f}" y="{y + BAR_H - 5}" text-anchor="end">{_e(_clip(name, max_chars))}</text>'
            f'<rect x="{left:.0f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{color}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + BAR_H - 5}" fill="#333">{_num(value)}</text></g>')
    return _svg(width, len(items) * (BAR_H + GAP), body, label)


def vbar(items: Sequence[tuple[str, float]], label: str, height: int = 220, bar_w: int = 0,
         color: str = BAR_COLOR, every: int = 1) -> str:
    """Columns in the order given (time on x); every `every`-th label written, rotated when long."""
    if not any(v for _, v in items):
        return empty()
    n = len(items)
    bar_w = bar_w or max(6, min(48, 900 // n))
    rotate = max(len(s) for s, _ in items) * CHAR_W > bar_w * every
    bottom = (max(len(s) for s, _ in items) * CHAR_W * 0.75 + 10) if rotate else 22
    top, left = 18, 40
    plot_h = height - bottom - top
    vmax = max(v for _, v in items) or 1
    width = left + n * bar_w + 20
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>',
            f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="#555">{_num(vmax)}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" fill="#555">0</text>']
    for i, (name, value) in enumerate(items):
        x = left + i * bar_w
        h = plot_h * value / vmax
        body.append(f'<g><title>{_e(name)}: {_num(value)}</title>'
                    f'<rect x="{x + 1}" y="{top + plot_h - h:.1f}" width="{bar_w - 2}" height="{h:.1f}" '
                    f'fill="{color}"/></g>')
        if i % every == 0:
            cx, cy = x + bar_w / 2, top + plot_h + 14
            if rotate:
                body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
                            f'transform="rotate(-45 {cx:.1f} {cy:.1f})">{_e(name)}</text>')
            else:
                body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle">{_e(name)}</text>')
    return _svg(width, height, body, label)


def stacked_hbar(rows: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float]],
                 label: str, width: int = 900, max_chars: int = 28, shares: bool = True) -> str:
    """One bar per row split by series (values[row][series]); as shares of the row when `shares`.
    The last series is drawn grey when it is named 'khác' (other)."""
    if not rows:
        return empty()
    left = _label_width(rows, max_chars)
    plot = width - left - 60
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(series))]
    if series and series[-1] == "khác":
        colors[-1] = OTHER_COLOR
    totals = [sum(r) for r in values]
    vmax = 1 if shares else (max(totals) or 1)
    body = []
    for i, (name, row) in enumerate(zip(rows, values, strict=True)):
        y = i * (BAR_H + GAP)
        body.append(f'<text x="{left - 6:.0f}" y="{y + BAR_H - 5}" text-anchor="end">'
                    f'<title>{_e(name)}</title>{_e(_clip(name, max_chars))}</text>')
        x = left
        total = totals[i] or 1
        for s, v in enumerate(row):
            if not v:
                continue
            w = plot * (v / total if shares else v / vmax)
            pct = 100 * v / total
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{colors[s]}">'
                        f'<title>{_e(name)} — {_e(series[s])}: {_num(v)} ({pct:.0f} %)</title></rect>')
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + BAR_H - 5}" fill="#333">{_num(totals[i])}</text>')
    height = len(rows) * (BAR_H + GAP) + 8
    # legend below
    lx, ly = left, height + 4
    for s, name in enumerate(series):
        w = len(name) * CHAR_W + 26
        if lx + w > width:
            lx, ly = left, ly + BAR_H + 2
        body.append(f'<rect x="{lx:.0f}" y="{ly}" width="12" height="12" fill="{colors[s]}"/>'
                    f'<text x="{lx + 16:.0f}" y="{ly + 11}">{_e(name)}</text>')
        lx += w
    return _svg(width, ly + BAR_H + 4, body, label)


def heatmap(rows: Sequence[str], cols: Sequence[str], values: Sequence[Sequence[float]], label: str,
            max_row_chars: int = 36, max_col_chars: int = 22, cell: int = 24, unit: str = "") -> str:
    """Rows x columns, colour by value (0 white), the value written in each non-empty cell."""
    if not rows or not cols:
        return empty()
    left = _label_width(rows, max_row_chars)
    top = min(max_col_chars, max(len(c) for c in cols)) * CHAR_W * 0.87 + 14  # labels at 60 degrees
    vmax = max((v for r in values for v in r), default=0) or 1
    body = []
    for j, name in enumerate(cols):
        cx, cy = left + j * cell + cell / 2, top - 6
        body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" transform="rotate(-60 {cx:.1f} {cy:.1f})">'
                    f'<title>{_e(name)}</title>{_e(_clip(name, max_col_chars))}</text>')
    for i, name in enumerate(rows):
        y = top + i * cell
        body.append(f'<text x="{left - 6:.0f}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">'
                    f'<title>{_e(name)}</title>{_e(_clip(name, max_row_chars))}</text>')
        for j, v in enumerate(values[i]):
            x = left + j * cell
            if not v:
                body.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 1}" height="{cell - 1}" fill="#f4f4f4"/>')
                continue
            t = math.sqrt(v / vmax)  # square root: small counts stay visible next to large ones
            r, g, b = (int(255 + (c - 255) * (0.15 + 0.85 * t)) for c in (0x08, 0x45, 0x94))
            ink = "#fff" if t > 0.55 else "#111"
            body.append(f'<g><title>{_e(name)} × {_e(cols[j])}: {_num(v)}{_e(unit)}</title>'
                        f'<rect x="{x}" y="{y:.1f}" width="{cell - 1}" height="{cell - 1}" fill="rgb({r},{g},{b})"/>'
                        f'<text x="{x + cell / 2 - 0.5:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="middle" '
                        f'font-size="{FONT - 3}" fill="{ink}">{_num(v)}</text></g>')
    width = left + len(cols) * cell + 10 + top * 0.6
    return _svg(width, top + len(rows) * cell + 4, body, label)
