"""Charts of the annual report, drawn server-side as inline SVG: the same markup in the page and in the
PDF (WeasyPrint draws inline SVG, text included, with the CJK font named here).

Written here rather than with a charting library: pygal is on PyPI but not installed, and these three
charts need little — bars with their values, axis labels, a <title>/<desc> for screen readers, and an
empty state that says there is nothing rather than drawing an empty axis.

Every chart is `role="img"` with `aria-labelledby` its <title> and <desc>; the desc spells out every
value, so the chart reads the same without being seen.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'Source Han Sans SC', sans-serif"
BAR = "#b8312f"
AXIS = "#444"
GRID = "#ddd"
TEXT = "#222"
MUTED = "#666"
WIDTH = 640


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def nice_max(value: float) -> float:
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least `value` (5 for small counts)."""
    if value <= 5:
        return 5
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _open(key: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ar-chart" id="chart-{key}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-{key}-title chart-{key}-desc" '
        f'font-family="{escape(FONT)}" font-size="12">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(desc)}</desc>',
        f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold" fill="{TEXT}">'
        f"{escape(title)}</text>",
    ]


def _empty(key: str, title: str, desc: str, text: str) -> SafeString:
    height = 140
    parts = _open(key, title, desc or text, height)
    parts += [
        f'<rect x="20" y="38" width="{WIDTH - 40}" height="{height - 56}" fill="#f7f7f7" stroke="{GRID}"/>',
        f'<text class="empty" x="{WIDTH / 2}" y="{38 + (height - 56) / 2 + 5}" text-anchor="middle" font-size="14" '
        f'fill="{MUTED}">{escape(text)}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))


def bar_chart(
    *,
    key: str,
    title: str,
    desc: str,
    labels: list[str],
    values: list[float],
    x_label: str,
    y_label: str,
    empty_text: str,
) -> SafeString:
    """Vertical bars, one per label, each with its value above it; the y axis from 0 with 5 grid lines."""
    if not values or not any(values):
        return _empty(key, title, desc, empty_text)
    height, left, right, top, bottom = 300, 64, 16, 44, 56
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = nice_max(max(values))
    slot = plot_w / len(values)
    bar_w = slot * 0.6
    parts = _open(key, title, desc, height)
    for tick in range(6):
        value = top_value * tick / 5
        y = top + plot_h - plot_h * tick / 5
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_number(value)}</text>'
        )
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * value / top_value
        y = top + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}：{_number(value)}</title></rect>"
        )
        if value:
            parts.append(
                f'<text class="value" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{TEXT}">'
                f"{_number(value)}</text>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
    parts += [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<text class="axis-label" x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle" fill="{TEXT}">'
        f"{escape(x_label)}</text>",
        f'<text class="axis-label" x="16" y="{top + plot_h / 2}" text-anchor="middle" fill="{TEXT}" '
        f'transform="rotate(-90 16 {top + plot_h / 2})">{escape(y_label)}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))


def _short(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar_chart(
    *,
    key: str,
    title: str,
    desc: str,
    labels: list[str],
    values: list[float],
    texts: list[str],
    x_label: str,
    empty_text: str,
    max_value: float | None = None,
    empty: bool | None = None,
) -> SafeString:
    """Horizontal bars in the order given (sort before), each with its text at its end.

    `empty` says when there is nothing to show (default: no value above zero)."""
    if empty is None:
        empty = not values or not any(values)
    if empty:
        return _empty(key, title, desc, empty_text)
    row_h, left, right, top, bottom = 26, 170, 110, 44, 44
    height = top + row_h * len(values) + bottom
    plot_w = WIDTH - left - right
    top_value = max_value or nice_max(max(values))
    plot_h = row_h * len(values)
    parts = _open(key, title, desc, height)
    for tick in range(6):
        x = left + plot_w * tick / 5
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="{MUTED}">'
            f"{_number(top_value * tick / 5)}</text>"
        )
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + row_h * index
        w = plot_w * min(value, top_value) / top_value
        parts.append(
            f'<text x="{left - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(label))}</text>"
        )
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 4:.1f}" width="{w:.1f}" height="{row_h - 8}" fill="{BAR}">'
            f"<title>{escape(label)}：{escape(text)}</title></rect>"
        )
        parts.append(
            f'<text class="value" x="{left + w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
    parts += [
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<text class="axis-label" x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle" fill="{TEXT}">'
        f"{escape(x_label)}</text>",
        "</svg>",
    ]
    return mark_safe("".join(parts))


def count_bars(
    *,
    key: str,
    title: str,
    lead: str,
    rows: list[tuple[str, int]],
    unit: str,
    x_label: str,
    empty_text: str,
    empty: bool,
) -> SafeString:
    """Horizontal bars of counts, one per (label, count), each ending in its count and `unit` (件, 项);
    the description reads `lead`, then every row ("本年度收到申请12件：予以公开8件；……")."""
    return hbar_chart(
        key=key,
        title=title,
        desc=f"{lead}：" + "；".join(f"{label}{count}{unit}" for label, count in rows),
        labels=[label for label, _ in rows],
        values=[count for _, count in rows],
        texts=[f"{count}{unit}" for _, count in rows],
        x_label=x_label,
        empty_text=empty_text,
        empty=empty,
    )
