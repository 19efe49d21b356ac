from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, slot: str):
    """Render the sections the domain apps registered for this slot of the page (registry.sections)."""
    parts = []
    for name, section_context in context.get("sections", {}).get(slot, []):
        section_template = context.template.engine.get_template(name)
        with context.push(**section_context):
            parts.append(section_template.render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered, escaped template
