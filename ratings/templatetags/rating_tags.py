"""Plates and charts for the public templates (STYLE 7: inline SVG drawn from data, no JavaScript).

Colour is never the only cue: every chip and plate carries its band's name in words.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ratings import engine

register = template.Library()

KNOWN_BANDS = {"green", "blue", "yellow", "red", "pending"}


def band_class(code: str | None) -> str:
    return code if code in KNOWN_BANDS else "other"


@register.simple_tag
def band_chip(code, label, size=""):
    """A coloured chip that names the band: <span class="band band--green">绿牌·精品</span>."""
    size_class = f" band--{size}" if size else ""
    return format_html(
        '<span class="band band--{}{}"><span class="band__mark" aria-hidden="true"></span>{}</span>',
        band_class(code),
        size_class,
        label,
    )


@register.filter
def band_css(code):
    return band_class(code)


@register.filter
def score_text(value):
    """A quarter score, or 数据不足 for a pending estate (SPEC §3)."""
    return "数据不足" if value in (None, "") else value


@register.filter
def rank_text(value):
    return "—" if value in (None, "") else value


@register.filter
def month_cn(month: str) -> str:
    """ "2025-03" → "2025年3月"."""
    return engine.month_label(month) if engine.is_month(month) else month


@register.simple_tag
def hotline_chart(points, title_id="hotline-chart-title", desc_id="hotline-chart-desc"):
    """A bar chart of complaints received per month, as inline SVG. The page shows the same
    figures in a table next to it, so the chart is an illustration and the table the record."""
    if not points:
        return ""
    width, height = 640, 220
    left, right, top, bottom = 36, 8, 18, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(p["received"] for p in points) or 1
    step = _nice_step(peak)
    ceiling = ((peak + step - 1) // step) * step
    slot = plot_w / len(points)
    bar = max(4.0, slot * 0.62)
    label_every = 1 if len(points) <= 12 else 2 if len(points) <= 24 else 3
    grid = []
    for value in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * value / ceiling
        grid.append(
            (f"{left}", f"{y:.1f}", f"{width - right}", f"{y:.1f}", f"{left - 6}", f"{y + 4:.1f}", value)
        )
    show_values = len(points) <= 12
    bars, labels = [], []
    last_year = None
    for i, p in enumerate(points):
        h = plot_h * p["received"] / ceiling
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h - h
        bars.append(
            format_html(
                '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}"><title>{}：{} 件</title></rect>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                p["month"],
                p["received"],
            )  # fmt: skip
        )
        if show_values:
            bars.append(
                format_html(
                    '<text class="chart__value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar / 2:.1f}",
                    f"{y - 4:.1f}",
                    p["received"],
                )
            )
        if i % label_every == 0 or i == len(points) - 1:
            month = p["month"]
            year, number = engine.month_parts(month)
            new_year = year != last_year
            last_year = year
            text = f"{year % 100:02d}年{number}月" if new_year else f"{number}月"
            labels.append((f"{x + bar / 2:.1f}", f"{height - bottom + 16}", text))
    svg = format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{tid} {did}" preserveAspectRatio="xMidYMid meet">'
        "{grid}{bars}{labels}</svg>",
        w=width,
        h=height,
        tid=title_id,
        did=desc_id,
        grid=format_html_join(
            "",
            '<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
            grid,
        ),
        bars=mark_safe("".join(bars)),
        labels=format_html_join(
            "", '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}</text>', labels
        ),
    )
    return svg


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 5:
            return step
    return 10000
