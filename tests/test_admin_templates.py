"""Our admin templates use Wagtail 8's button markup (issue 13). A `.button` holding an icon needs
`button--icon`: without it Wagtail 8 gives the SVG no size, the browser draws it at 300×150 and the
label is pushed out of the button (tests/e2e/test_admin_forms.py shows it in Chromium). The shared
include templates/core/admin/button.html has the right markup; this finds any button written by hand."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ELEMENT = re.compile(r"<(?P<tag>button|a)\b(?P<attrs>[^>]*)>(?P<inner>.*?)</(?P=tag)>", re.DOTALL)
CLASSES = re.compile(r"""class\s*=\s*["'](?P<classes>[^"']*)["']""")


def icon_buttons_without_size(text: str) -> list[str]:
    found = []
    for element in ELEMENT.finditer(text):
        classes = CLASSES.search(element["attrs"])
        # Template tags inside the attribute ({% if secondary %} …) are not class names.
        names = re.sub(r"\{[%{].*?[%}]\}", " ", classes["classes"]).split() if classes else []
        if "button" in names and "{% icon" in element["inner"] and "button--icon" not in names:
            found.append(element.group(0)[:120])
    return found


@pytest.mark.parametrize(
    ("markup", "bad"),
    [
        ('<button type="submit" class="button">{% icon name="warning" %}提交申诉</button>', True),
        ('<a class="button button-secondary" href="#">{% icon name="edit" %}编辑</a>', True),
        (
            '<button type="submit" class="button bicolor button--icon">{% icon name="check" wrapped=1 %}确认</button>',
            False,
        ),
        ('<a class="button button-secondary" href="#">取消</a>', False),
    ],
)
def test_the_scanner_tells_a_sized_icon_from_an_unsized_one(markup, bad):
    assert bool(icon_buttons_without_size(markup)) is bad


def test_no_admin_template_has_a_button_whose_icon_wagtail_leaves_unsized():
    offenders = {}
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if found := icon_buttons_without_size(path.read_text(encoding="utf-8")):
            offenders[name] = found
    assert offenders == {}
