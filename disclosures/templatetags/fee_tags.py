"""The fee comparison (disclosures.fees) as inline SVG. The page shows the same figures in a table
beside it: the chart is an illustration, the table the record and the text alternative."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, ROW, TOP, AXIS = 360, 46, 6, 26
LEFT, RIGHT = 12, 12


@register.simple_tag
def fee_chart(comparison, title_id="fee-chart-title", desc_id="fee-chart-desc"):
    """One row for the group and one per band: the range of fees as a line, the median as a dot,
    this estate as a diamond labelled 本小区 on the rows it belongs to. Narrow on purpose: on a
    phone the drawing scales up, so its 12-unit text is never smaller than 12 CSS px."""
    if not comparison:
        return ""
    rows = [{"code": "group", "label": "全组", **comparison["group"]}, *comparison["bands"]]
    ceiling = max(Decimal(comparison["group"]["high"]), Decimal(comparison["fee"])) * Decimal("1.1") or 1
    plot = WIDTH - LEFT - RIGHT

    def x(value) -> str:
        return f"{LEFT + plot * float(Decimal(value) / ceiling):.1f}"

    parts = []
    for i, row in enumerate(rows):
        top = TOP + ROW * i
        line_y = top + 30
        own = row["code"] == "group" or row["code"] == comparison["band"]
        band_class = f"band-{row['code']}" if row["code"] not in ("group", "") else "band-none"
        parts.append(
            format_html(
                '<g class="fee-chart__row fee-chart__row--{cls}{own}">'
                '<text class="fee-chart__label" x="{left}" y="{ty}">{label}（{count} 个）</text>'
                '<text class="fee-chart__value" x="{right}" y="{ty}" text-anchor="end">中位数 {median} 元</text>'
                '<line class="fee-chart__range" x1="{x1}" y1="{ly}" x2="{x2}" y2="{ly}"/>'
                '<line class="fee-chart__tick" x1="{x1}" y1="{t1}" x2="{x1}" y2="{t2}"/>'
                '<line class="fee-chart__tick" x1="{x2}" y1="{t1}" x2="{x2}" y2="{t2}"/>'
                '<circle class="fee-chart__median" cx="{xm}" cy="{ly}" r="5"><title>中位数 {median} 元</title></circle>'
                "{marker}</g>",
                cls=band_class,
                own=" fee-chart__row--own" if own else "",
                left=LEFT,
                right=WIDTH - RIGHT,
                ty=top + 14,
                label=row["label"],
                count=row["count"],
                median=row["median"],
                x1=x(row["low"]),
                x2=x(row["high"]),
                xm=x(row["median"]),
                ly=line_y,
                t1=line_y - 6,
                t2=line_y + 6,
                marker=_marker(x(comparison["fee"]), line_y, comparison["fee"]) if own else "",
            )
        )
    height = TOP + ROW * len(rows) + AXIS
    axis_y = TOP + ROW * len(rows) + 4
    ticks = [(LEFT, "start", "0"), (WIDTH - RIGHT, "end", f"{ceiling.quantize(Decimal('0.01'))} 元/㎡·月")]
    return format_html(
        '<svg class="chart fee-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{tid} {did}">'
        '{rows}<line class="chart__grid" x1="{left}" y1="{ay}" x2="{right}" y2="{ay}"/>{ticks}</svg>',
        w=WIDTH,
        h=height,
        tid=title_id,
        did=desc_id,
        rows=mark_safe("".join(parts)),  # noqa: S308 - each part built with format_html
        left=LEFT,
        right=WIDTH - RIGHT,
        ay=axis_y,
        ticks=format_html_join(
            "",
            '<text class="chart__axis" x="{}" y="{}" text-anchor="{}">{}</text>',
            [(tx, axis_y + 16, anchor, text) for tx, anchor, text in ticks],
        ),
    )


def _marker(cx: str, cy: int, fee) -> str:
    c = float(cx)
    points = f"{c:.1f},{cy - 8} {c + 7:.1f},{cy} {c:.1f},{cy + 8} {c - 7:.1f},{cy}"
    return format_html(
        '<polygon class="fee-chart__own" points="{}"><title>本小区 {} 元</title></polygon>', points, fee
    )
