"""The evidence chart of a case page: the estate's quarterly score on one criterion around the case
date, as inline SVG. The page shows the same figures in a table next to it, so the chart is an
illustration and the table the record; markers differ in shape, not only in colour."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 16, 36
WHEN = {"before": "案例前", "during": "案例当季", "after": "案例后"}


def _marker(when: str, x: float, y: float):
    """A circle before the case, a diamond in its quarter, a square after it."""
    if when == "before":
        return format_html('<circle class="evidence__dot" cx="{}" cy="{}" r="4.5"/>', f"{x:.1f}", f"{y:.1f}")
    if when == "during":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return format_html('<polygon class="evidence__dot evidence__dot--during" points="{}"/>', points)
    return format_html(
        '<rect class="evidence__dot evidence__dot--after" x="{}" y="{}" width="9" height="9"/>',
        f"{x - 4.5:.1f}",
        f"{y - 4.5:.1f}",
    )


@register.simple_tag
def evidence_chart(evidence, title_id="evidence-title", desc_id="evidence-desc"):
    quarters = evidence["quarters"]
    if not quarters:
        return ""
    ceiling = Decimal(evidence["max"]) if evidence.get("max") else None
    scores = [Decimal(q["score"]) for q in quarters if q["score"] is not None]
    if ceiling is None:
        ceiling = max(scores, default=Decimal(1)) or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(quarters)

    def y_of(score: Decimal) -> float:
        return TOP + plot_h - plot_h * float(score / ceiling)

    grid = format_html_join(
        "",
        '<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                LEFT,
                f"{y_of(v):.1f}",
                WIDTH - RIGHT,
                f"{y_of(v):.1f}",
                LEFT - 4,
                f"{y_of(v) + 4:.1f}",
                f"{v:g}",
            )
            for v in (Decimal(0), ceiling / 2, ceiling)
        ),
    )
    marks, labels, line = [], [], []
    divider = None
    for i, q in enumerate(quarters):
        x = LEFT + slot * i + slot / 2
        if divider is None and q["when"] == "during":
            divider = x  # the case happened within this quarter
        elif divider is None and q["when"] == "after" and i > 0:
            divider = LEFT + slot * i  # between the last quarter before and the first after
        year, number = q["quarter"].split("Q")
        labels.append(
            format_html(
                '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}年{}季</text>',
                f"{x:.1f}",
                HEIGHT - BOTTOM + 16,
                year[2:],
                number,
            )
        )
        if q["score"] is None:
            line.append(None)
            continue
        y = y_of(Decimal(q["score"]))
        line.append(f"{x:.1f},{y:.1f}")
        marks.append(
            format_html(
                "<g>{}<title>{}（{}）：{} 分</title></g>",
                _marker(q["when"], x, y),
                q["label"],
                WHEN[q["when"]],
                q["score"],
            )
        )
    runs, run = [], []
    for point in line + [None]:
        if point is None:
            if len(run) > 1:
                runs.append(" ".join(run))
            run = []
        else:
            run.append(point)
    polylines = format_html_join("", '<polyline class="evidence__line" points="{}"/>', ((r,) for r in runs))
    divider_mark = (
        format_html(
            '<line class="evidence__divider" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>'
            '<text class="chart__axis" x="{tx}" y="{ty}">案例</text>',
            x=f"{divider:.1f}",
            top=TOP - 6,
            bottom=HEIGHT - BOTTOM,
            tx=f"{divider + 3:.1f}",
            ty=TOP + 2,
        )
        if divider is not None
        else ""
    )
    return format_html(
        '<svg class="chart evidence__chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{tid} {did}"'
        ' preserveAspectRatio="xMidYMid meet">{grid}{divider}{lines}{marks}{labels}</svg>',
        w=WIDTH,
        h=HEIGHT,
        tid=title_id,
        did=desc_id,
        grid=grid,
        divider=divider_mark,
        lines=polylines,
        marks=format_html_join("", "{}", ((m,) for m in marks)),
        labels=format_html_join("", "{}", ((lab,) for lab in labels)),
    )
