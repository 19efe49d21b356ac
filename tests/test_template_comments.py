"""A `{# … #}` comment must end on its own line: Django prints one that spans lines as page text
(the home page once showed a band summary's comment to residents). Longer ones use {% comment %}."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_has_a_one_line_comment_spanning_lines():
    open_comments = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == []
