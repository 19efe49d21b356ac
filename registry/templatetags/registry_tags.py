from django import template
from django.utils.safestring import mark_safe

from core import pagecache

register = template.Library()


def _fragment_name(section, slot: str, template_name: str) -> str:
    return f"section:{section.name}:{slot}:{template_name}"


@register.simple_tag(takes_context=True)
def page_sections(context, slot: str):
    """Render the sections the domain apps registered for this slot of the page (registry.sections).
    For anonymous readers each section's HTML is kept in the fragment cache under the page's
    generation tokens, so a change that retires the page retires it too; a hit reads no data."""
    entries = context.get("sections", {}).get(slot, [])
    # Inside a fragment of the page (`{% cachedfragment %}`, the estate and firm records) the
    # sections are kept with it: fragments of their own would only be read and stored twice.
    inside_fragment = bool(context.get("inside_page_fragment"))
    names = [_fragment_name(section, slot, name) for name, section in entries]
    kept = pagecache.fragments(context.get("request"), names) if names and not inside_fragment else {}
    parts = []
    for (name, section), fragment_name in zip(entries, names, strict=True):
        fragment = kept.get(fragment_name)
        if fragment is not None and fragment.hit:
            parts.append(fragment.html)
            continue
        section_template = context.template.engine.get_template(name)
        with context.push(**section.value):
            html = section_template.render(context)
        if fragment is not None:
            fragment.store(html)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered, escaped template
